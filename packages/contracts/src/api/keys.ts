import { type Static, Type as T } from '@sinclair/typebox';
import { IsoDateTime, Strict, Uuid } from './common';

const KeyName = T.String({
  minLength: 1,
  maxLength: 100,
  pattern: '\\S',
  description: 'Unique in the organization',
});

/** Generate a key pair (no privateKey) or import one (privateKey, with its passphrase if it has one). */
export const CreateSshKeyRequest = Strict({
  name: KeyName,
  type: T.Optional(
    T.Union([T.Literal('ed25519'), T.Literal('rsa')], {
      description: 'For a generated key: ed25519 (default) or rsa (4096 bits)',
    }),
  ),
  privateKey: T.Optional(
    T.String({ minLength: 1, maxLength: 16_384, description: 'A private key to import (OpenSSH or PEM)' }),
  ),
  passphrase: T.Optional(
    T.String({ maxLength: 1024, description: 'Unlocks an imported key; it is not stored' }),
  ),
  isDefault: T.Optional(T.Boolean({ description: "Make it the organization's default key" })),
});
export type CreateSshKeyRequest = Static<typeof CreateSshKeyRequest>;

export const UpdateSshKeyRequest = Strict({
  name: T.Optional(KeyName),
  isDefault: T.Optional(
    T.Boolean({ description: 'true makes it the default (the previous default stops being one)' }),
  ),
});
export type UpdateSshKeyRequest = Static<typeof UpdateSshKeyRequest>;

export const DeleteSshKeyQuery = Strict({
  force: T.Optional(
    T.Boolean({ description: 'Delete even when machines use the key; they are detached from it' }),
  ),
});

/** A key as the API shows it: never its private half. */
export const SshKey = T.Object(
  {
    id: Uuid,
    name: T.String(),
    publicKey: T.String({ description: 'One authorized_keys line' }),
    fingerprint: T.String({ description: 'SHA256:... as ssh-keygen -lf prints it' }),
    algorithm: T.String(),
    isDefault: T.Boolean(),
    machineCount: T.Integer({ description: 'Machines that log in with this key' }),
    createdAt: IsoDateTime,
  },
  { $id: 'SshKey' },
);
export type SshKey = Static<typeof SshKey>;

export const SshKeyList = T.Object({ items: T.Array(T.Ref(SshKey)) });
export type SshKeyList = Static<typeof SshKeyList>;

export const SshUser = T.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^[A-Za-z0-9_][A-Za-z0-9_.@-]*$',
  description: 'User to log in as',
});

/** How the terminal logs in to a machine; null clears a value. */
export const MachineSshRequest = Strict({
  keyId: T.Optional(
    T.Union([Uuid, T.Null()], { description: "The key to log in with; null: the organization's default" }),
  ),
  user: T.Optional(T.Union([SshUser, T.Null()], { description: 'null: root' })),
  port: T.Optional(
    T.Union([T.Integer({ minimum: 1, maximum: 65535 }), T.Null()], { description: 'null: 22' }),
  ),
});
export type MachineSshRequest = Static<typeof MachineSshRequest>;

export const MachineSsh = T.Object({
  machineId: Uuid,
  keyId: T.Union([Uuid, T.Null()]),
  keyName: T.Union([T.String(), T.Null()]),
  user: T.Union([T.String(), T.Null()]),
  port: T.Union([T.Integer(), T.Null()]),
});
export type MachineSsh = Static<typeof MachineSsh>;
