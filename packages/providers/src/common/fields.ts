import type { FieldUi } from '@overcast/contracts';
import { Strict } from '@overcast/contracts';
import { Type as T, type TSchema } from '@sinclair/typebox';

// Field builders shared by the provider modules' form schemas: each field carries its `ui` hint.

export const NonEmpty = (description: string, maxLength = 4096, ui: FieldUi = {}) =>
  T.String({ minLength: 1, maxLength, description, ui });

const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

export const Uuid = (description: string, ui: FieldUi) =>
  T.String({ pattern: UUID_PATTERN, description, ui });

/** A field's `destination`: where the credentials are sent (see contracts/destinations.ts). */
export const destination = <S extends TSchema>(schema: S, kind: 'uri' | 'ssh'): S =>
  ({ ...schema, destination: kind }) as S;

export const HostKeyFingerprint = T.Optional(
  T.String({ maxLength: 200, ui: { label: 'Host key fingerprint', advanced: true, mono: true } }),
);

/** Logging in over SSH: one of the organization's keys, or a pasted key or password. */
export const sshLogin = {
  privateKey: T.Optional(
    NonEmpty('Private key (OpenSSH or PEM)', 16_384, {
      widget: 'file',
      label: 'Private key',
      mono: true,
      placeholder: '-----BEGIN OPENSSH PRIVATE KEY-----',
      help: 'Instead of an Overcast key: OpenSSH or PEM.',
      order: 21,
    }),
  ),
  passphrase: T.Optional(
    T.String({
      maxLength: 1024,
      ui: { widget: 'secret', label: 'Key passphrase', help: 'Only if the key has one.', order: 22 },
    }),
  ),
  password: T.Optional(
    T.String({
      maxLength: 1024,
      ui: { widget: 'secret', label: 'Password', help: 'Instead of a key.', order: 23 },
    }),
  ),
};

/** Log in with one of the organization's SSH keys (without a key or password, its default key). */
export const OrgKeyId = T.Optional(
  Uuid(
    "Log in with this SSH key of the organization instead of a pasted key or password; with neither, the organization's default key is used",
    { widget: 'orgKey', label: 'Overcast key', order: 20 },
  ),
);

export { Strict, T };
