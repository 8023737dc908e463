import { type Static, Type as T } from '@sinclair/typebox';
import { Role, Strict, Uuid } from './common';

export const LoginRequest = Strict({
  email: T.String({ minLength: 3, maxLength: 254, description: 'The email the account was created with.' }),
  password: T.String({ minLength: 1, maxLength: 256 }),
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
  },
  { $id: 'Me' },
);
export type Me = Static<typeof Me>;
