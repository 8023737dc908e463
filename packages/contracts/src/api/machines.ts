import { type Static, Type as T } from '@sinclair/typebox';
import { CONTAINER_ACTIONS, MACHINE_ACTIONS, PROVIDER_ACTIONS } from '../provider';
import { MachineExpiration, SetExpirationRequest } from './automation';
import { IsoDateTime, Strict, Uuid } from './common';

export const MachineStateValue = T.Union(
  ['pending', 'running', 'stopped', 'rebooting', 'terminated', 'error', 'unknown', 'missing'].map((s) =>
    T.Literal(s),
  ),
);

export const Machine = T.Object(
  {
    id: Uuid,
    cloudId: Uuid,
    cloudTitle: T.String(),
    provider: T.String(),
    externalId: T.String(),
    name: T.String(),
    state: T.String(),
    rawState: T.String(),
    size: T.Union([T.Null(), T.String()]),
    image: T.Union([T.Null(), T.String()]),
    location: T.Union([T.Null(), T.String()]),
    publicIps: T.Array(T.String()),
    privateIps: T.Array(T.String()),
    tags: T.Record(T.String(), T.String(), {
      description: 'Provider tags merged with Overcast tags (ours win)',
    }),
    launchedAt: T.Union([T.Null(), IsoDateTime]),
    costMonthly: T.Union([T.Null(), T.String()]),
    costHourly: T.Union([T.Null(), T.String()]),
    costCurrency: T.String(),
    costSource: T.Union([T.Null(), T.String()], {
      description:
        'tag | override | provider | table | stopped (a stopped EC2 or GCE instance bills only its disks)',
    }),
    priceUnknownReason: T.Union([T.Null(), T.String()], { description: 'Why costMonthly is null' }),
    missingSince: T.Union([T.Null(), IsoDateTime]),
    updatedAt: IsoDateTime,
  },
  { $id: 'Machine' },
);
export type Machine = Static<typeof Machine>;

export const MachineEvent = T.Object({
  id: T.String(),
  kind: T.String(),
  data: T.Record(T.String(), T.Unknown()),
  createdAt: IsoDateTime,
});
export type MachineEvent = Static<typeof MachineEvent>;

export const ReachedAt = T.Object(
  {
    via: T.Union([T.Literal('ssh'), T.Literal('docker-exec'), T.Literal('none')], {
      description: 'ssh; docker-exec (a container, through its engine); none (no way yet, see reason)',
    }),
    address: T.Union([T.Null(), T.String()]),
    port: T.Union([T.Null(), T.Integer()]),
    user: T.Union([T.Null(), T.String()]),
    reason: T.String({
      description:
        'Where the address, port and user come from, e.g. "reached at 127.0.0.1:22222 as root, from the cloud\'s settings"',
    }),
  },
  { description: 'How the terminal, script runs and monitoring reach the machine (never a secret)' },
);
export type ReachedAt = Static<typeof ReachedAt>;

export const MachineDetail = T.Object({
  machine: T.Ref(Machine),
  extra: T.Record(T.String(), T.Unknown(), { description: "The provider's raw fields" }),
  providerTags: T.Record(T.String(), T.String()),
  userTags: T.Record(T.String(), T.String()),
  history: T.Array(MachineEvent),
  expiration: T.Union([T.Null(), MachineExpiration], {
    description: 'When the machine is stopped or destroyed by itself, if ever',
  }),
  reachedAt: ReachedAt,
});
export type MachineDetail = Static<typeof MachineDetail>;

export const MACHINE_SORTS = [
  'name',
  'state',
  'cloud',
  'size',
  'location',
  'launchedAt',
  'cost',
  'createdAt',
] as const;

export const MachineListQuery = Strict({
  cloud: T.Optional(Uuid),
  state: T.Optional(MachineStateValue),
  provider: T.Optional(T.String({ maxLength: 32 })),
  tag: T.Optional(T.String({ minLength: 1, maxLength: 256, description: 'key or key=value' })),
  q: T.Optional(T.String({ maxLength: 200, description: 'Text search over name, external id and IPs' })),
  owner: T.Optional(T.Literal('me', { description: 'Only machines created by the caller' })),
  sort: T.Optional(
    T.String({
      pattern: `^-?(${MACHINE_SORTS.join('|')})$`,
      description: 'A field, with - for descending; default name',
    }),
  ),
  limit: T.Optional(T.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  cursor: T.Optional(T.String({ maxLength: 1024 })),
});
export type MachineListQuery = Static<typeof MachineListQuery>;

export const MachinePage = T.Object({
  items: T.Array(T.Ref(Machine)),
  nextCursor: T.Union([T.Null(), T.String()]),
  total: T.Integer({ description: 'Machines matching the filters' }),
});
export type MachinePage = Static<typeof MachinePage>;

export const MachineActionRequest = Strict({
  action: T.Union(
    [...MACHINE_ACTIONS, ...CONTAINER_ACTIONS, ...PROVIDER_ACTIONS].map((a) => T.Literal(a)),
    {
      description:
        "pause and unpause: containers only; deallocate: machines whose provider's features.extraActions name it",
    },
  ),
  name: T.Optional(T.String({ minLength: 1, maxLength: 200, description: 'The new name, for rename' })),
  removeVolumes: T.Optional(
    T.Boolean({ description: 'destroy of a container: remove its anonymous volumes too' }),
  ),
});
export type MachineActionRequest = Static<typeof MachineActionRequest>;

export const TagsRequest = Strict({
  tags: T.Record(T.String({ minLength: 1, maxLength: 128 }), T.String({ maxLength: 256 }), {
    maxProperties: 1000,
    description:
      'Tags to set (key -> value; value may be empty). Limits: limits.tagsPerMachine, limits.tagKeyMaxLength, limits.tagValueMaxLength',
  }),
});

export const TagKeyParams = Strict({ id: Uuid, key: T.String({ minLength: 1, maxLength: 128 }) });

export const CreateMachineRequest = Strict({
  name: T.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' }),
  size: T.String({ minLength: 1, maxLength: 200 }),
  image: T.String({ minLength: 1, maxLength: 512 }),
  location: T.String({ minLength: 1, maxLength: 200 }),
  sshKeyId: T.Optional(Uuid),
  tags: T.Optional(
    T.Record(T.String({ minLength: 1, maxLength: 128 }), T.String({ maxLength: 256 }), {
      maxProperties: 1000,
    }),
  ),
  postDeployScript: T.Optional(
    T.String({ maxLength: 65_536, description: 'Runs at first boot (cloud-init user data)' }),
  ),
  expiration: T.Optional(SetExpirationRequest),
});
export type CreateMachineRequest = Static<typeof CreateMachineRequest>;
