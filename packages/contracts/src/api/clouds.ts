import { type Static, Type as T, type TSchema } from '@sinclair/typebox';
import { IsoDateTime, Strict, Uuid } from './common';

const NonEmpty = (description: string, maxLength = 4096) =>
  T.String({ minLength: 1, maxLength, description });

/** The providers a cloud can be added for. */
export const CloudProvider = T.Union(
  [
    T.Literal('aws'),
    T.Literal('gce'),
    T.Literal('digitalocean'),
    T.Literal('libvirt'),
    T.Literal('docker'),
    T.Literal('ssh_host'),
  ],
  {
    description:
      'aws, gce, digitalocean, libvirt (KVM), docker (a Docker engine) or ssh_host (any server reachable over SSH)',
  },
);
export type CloudProvider = Static<typeof CloudProvider>;

const SshAuth = {
  privateKey: T.Optional(NonEmpty('Private key (OpenSSH or PEM)', 16_384)),
  passphrase: T.Optional(T.String({ maxLength: 1024 })),
  password: T.Optional(T.String({ maxLength: 1024 })),
};

const SshHost = Strict({
  name: T.Optional(T.String({ maxLength: 200 })),
  address: NonEmpty('Host name or IP address', 255),
  port: T.Optional(T.Integer({ minimum: 1, maximum: 65535 })),
  username: NonEmpty('User to log in as', 64),
  hostKeyFingerprint: T.Optional(T.String({ maxLength: 200 })),
});

/** Log in with one of the organization's SSH keys (without a key or password, its default key). */
const OrgKeyId = T.String({
  pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
  description:
    "Log in with this SSH key of the organization instead of a pasted key or password; with neither, the organization's default key is used",
});

/** Per provider: the secret part (sealed at rest, never returned) and the visible config. */
export const ProviderInputs = {
  aws: {
    credentials: Strict({
      accessKeyId: NonEmpty('Access key id (IAM user with EC2 permissions)', 128),
      secretAccessKey: NonEmpty('Secret access key', 256),
    }),
    config: Strict({
      regions: T.Optional(T.Array(T.String({ minLength: 1, maxLength: 64 }), { maxItems: 64 })),
      imageOwners: T.Optional(T.Array(T.String({ maxLength: 64 }), { maxItems: 16 })),
    }),
  },
  gce: {
    credentials: Strict({
      serviceAccount: T.Union(
        [T.String({ minLength: 2, maxLength: 16_384 }), T.Record(T.String(), T.Unknown())],
        {
          description: 'The service account key JSON (as text or as an object)',
        },
      ),
    }),
    config: Strict({ project: T.Optional(T.String({ maxLength: 128 })) }),
  },
  digitalocean: {
    credentials: Strict({ token: NonEmpty('Personal access token with read and write scope', 512) }),
    config: Strict({}),
  },
  libvirt: {
    credentials: Strict(SshAuth),
    config: Strict({
      uri: NonEmpty('libvirt connection URI, e.g. qemu:///system', 512),
      host: T.Optional(
        Strict({
          address: NonEmpty('KVM host address', 255),
          port: T.Optional(T.Integer({ minimum: 1, maximum: 65535 })),
          username: NonEmpty('User on the KVM host', 64),
        }),
      ),
      hostKeyFingerprint: T.Optional(T.String({ maxLength: 200 })),
      sshKeyId: T.Optional(OrgKeyId),
    }),
  },
  docker: {
    credentials: Strict({
      ca: T.Optional(
        NonEmpty("ca.pem from DOCKER_CERT_PATH (the CA that signed the daemon's certificate)", 16_384),
      ),
      cert: T.Optional(NonEmpty('cert.pem from DOCKER_CERT_PATH (the client certificate)', 16_384)),
      key: T.Optional(NonEmpty('key.pem from DOCKER_CERT_PATH (the client private key)', 16_384)),
      ...SshAuth,
    }),
    config: Strict({
      host: T.Optional(
        NonEmpty(
          'DOCKER_HOST: unix:///var/run/docker.sock, tcp://host:2376 (with the three TLS files) or ssh://user@host (with an SSH key)',
          512,
        ),
      ),
      sshMachineId: T.Optional(
        T.String({
          pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
          description: 'Reach the engine over SSH through this machine, with the login Overcast has for it',
        }),
      ),
      socketPath: T.Optional(
        NonEmpty('The engine socket on the SSH host; default /var/run/docker.sock', 512),
      ),
      hostKeyFingerprint: T.Optional(T.String({ maxLength: 200 })),
    }),
  },
  ssh_host: {
    credentials: Strict(SshAuth),
    config: Strict({
      hosts: T.Array(SshHost, { minItems: 1, maxItems: 500 }),
      sshKeyId: T.Optional(OrgKeyId),
    }),
  },
} satisfies Record<CloudProvider, { credentials: TSchema; config: TSchema }>;

const Money = T.String({
  pattern: '^\\d{1,8}(\\.\\d{1,4})?$',
  description: 'A decimal amount, e.g. "12.50"',
});

export const CreateCloudRequest = Strict({
  provider: CloudProvider,
  title: T.String({ minLength: 1, maxLength: 100 }),
  credentials: T.Record(T.String(), T.Unknown(), {
    description: 'Provider credentials; see the provider schemas.',
  }),
  config: T.Optional(T.Record(T.String(), T.Unknown())),
  endpoint: T.Optional(
    T.Union([T.Null(), T.String({ maxLength: 512, pattern: '^https?://' })], {
      description: 'API endpoint override (compatible clouds, proxies, emulators)',
    }),
  ),
  pollIntervalSeconds: T.Optional(T.Union([T.Null(), T.Integer({ minimum: 10, maximum: 86_400 })])),
  costOverrideMonthly: T.Optional(T.Union([T.Null(), Money])),
});
export type CreateCloudRequest = Static<typeof CreateCloudRequest>;

export const UpdateCloudRequest = Strict({
  title: T.Optional(T.String({ minLength: 1, maxLength: 100 })),
  enabled: T.Optional(T.Boolean()),
  credentials: T.Optional(T.Record(T.String(), T.Unknown())),
  config: T.Optional(T.Record(T.String(), T.Unknown())),
  endpoint: T.Optional(T.Union([T.Null(), T.String({ maxLength: 512, pattern: '^https?://' })])),
  pollIntervalSeconds: T.Optional(T.Union([T.Null(), T.Integer({ minimum: 10, maximum: 86_400 })])),
  costOverrideMonthly: T.Optional(T.Union([T.Null(), Money])),
});
export type UpdateCloudRequest = Static<typeof UpdateCloudRequest>;

export const DeleteCloudQuery = Strict({
  confirm: T.String({
    maxLength: 100,
    description: "The cloud's title, typed to confirm: its inventory is deleted too",
  }),
});

export const PollStatus = T.Union([
  T.Literal('pending'),
  T.Literal('polling'),
  T.Literal('ok'),
  T.Literal('error'),
]);

/** A cloud as the API shows it: never its credentials. */
export const Cloud = T.Object(
  {
    id: Uuid,
    provider: T.String(),
    title: T.String(),
    endpoint: T.Union([T.Null(), T.String()]),
    config: T.Record(T.String(), T.Unknown()),
    enabled: T.Boolean(),
    pollStatus: PollStatus,
    pollIntervalSeconds: T.Union([T.Null(), T.Integer()]),
    lastPollAt: T.Union([T.Null(), IsoDateTime]),
    lastSuccessAt: T.Union([T.Null(), IsoDateTime]),
    lastError: T.Union([T.Null(), T.String()]),
    lastErrorAt: T.Union([T.Null(), IsoDateTime]),
    costOverrideMonthly: T.Union([T.Null(), T.String()]),
    machineCount: T.Integer(),
    monthlyCost: T.String({
      description: 'Monthly run-rate of its machines and volumes, the same figure as the cost summary',
    }),
    createdAt: IsoDateTime,
  },
  { $id: 'Cloud' },
);
export type Cloud = Static<typeof Cloud>;

export const CloudList = T.Object({ items: T.Array(T.Ref(Cloud)) });
