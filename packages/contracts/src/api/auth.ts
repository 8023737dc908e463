import { type Static, Type as T } from '@sinclair/typebox';
import { Role, Strict, Uuid } from './common';
import { Permissions } from './teams';

export const LoginRequest = Strict({
  email: T.String({ minLength: 3, maxLength: 254, description: 'The email the account was created with.' }),
  password: T.String({ minLength: 1, maxLength: 256 }),
  otp: T.Optional(
    T.String({
      minLength: 6,
      maxLength: 32,
      description: 'A TOTP code or a recovery code, when two-factor is on',
    }),
  ),
});
export type LoginRequest = Static<typeof LoginRequest>;

export const UserSummary = T.Object({ id: Uuid, email: T.String(), name: T.String() });
export const OrganizationSummary = T.Object({ id: Uuid, name: T.String(), slug: T.String() });

/** Who is logged in, in which organization, with which role. Returned by login and /me. */
export const Me = T.Object(
  {
    user: UserSummary,
    organization: OrganizationSummary,
    role: Role,
    via: T.Union([T.Literal('session'), T.Literal('token')]),
    permissions: Permissions,
    totpEnabled: T.Boolean(),
  },
  { $id: 'Me' },
);
export type Me = Static<typeof Me>;

export const UpdateProfileRequest = Strict({
  name: T.String({ maxLength: 200, description: 'Your name as others see it; may be empty' }),
});
export type UpdateProfileRequest = Static<typeof UpdateProfileRequest>;

export const ChangePasswordRequest = Strict({
  currentPassword: T.String({ minLength: 1, maxLength: 256 }),
  newPassword: T.String({
    minLength: 1,
    maxLength: 256,
    description: 'At least passwords.minLength characters, and not a common password or a simple pattern',
  }),
});
export type ChangePasswordRequest = Static<typeof ChangePasswordRequest>;
export const PasswordChanged = T.Object({
  endedSessions: T.Integer({ description: 'How many of your other sessions were logged out' }),
});
export type PasswordChanged = Static<typeof PasswordChanged>;
