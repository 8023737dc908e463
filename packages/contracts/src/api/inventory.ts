import { type Static, Type as T } from '@sinclair/typebox';
import { VOLUME_STATES } from '../provider';
import { IsoDateTime, Strict, Uuid } from './common';

/** The unified volume states, and `missing` for one gone from its provider's list. */
export const VolumeStateValue = T.Union([...VOLUME_STATES, 'missing' as const].map((s) => T.Literal(s)));

export const Volume = T.Object(
  {
    id: Uuid,
    cloudId: Uuid,
    cloudTitle: T.String(),
    externalId: T.String(),
    name: T.String(),
    sizeGb: T.Integer(),
    state: VolumeStateValue,
    rawState: T.String({ description: "The provider's own word for the state; empty when it has none" }),
    location: T.Union([T.Null(), T.String()]),
    attachedTo: T.Array(
      T.Object({
        externalId: T.String(),
        machineId: T.Union([T.Null(), Uuid]),
        name: T.Union([T.Null(), T.String()]),
      }),
    ),
    costMonthly: T.Union([T.Null(), T.String()]),
    priceUnknownReason: T.Union([T.Null(), T.String()], { description: 'Why costMonthly is null' }),
    missingSince: T.Union([T.Null(), IsoDateTime]),
  },
  { $id: 'Volume' },
);
export type Volume = Static<typeof Volume>;
export const VolumeListQuery = Strict({
  q: T.Optional(T.String({ maxLength: 200, description: 'Text search over name and provider id' })),
  state: T.Optional(VolumeStateValue),
  cloud: T.Optional(Uuid),
  /** Only the volumes attached to this machine. */
  machine: T.Optional(Uuid),
  limit: T.Optional(T.Integer({ minimum: 1, maximum: 500, default: 100 })),
  offset: T.Optional(T.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
});
export type VolumeListQuery = Static<typeof VolumeListQuery>;

export const VolumeList = T.Object({
  items: T.Array(T.Ref(Volume)),
  total: T.Integer({ description: 'Volumes matching the filters' }),
  totalSizeGb: T.Integer({ description: 'Their size together' }),
  attached: T.Integer({ description: 'How many of them are attached to a machine' }),
});
export type VolumeList = Static<typeof VolumeList>;

export const CreateVolumeRequest = Strict({
  name: T.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' }),
  sizeGb: T.Integer({ minimum: 1, maximum: 65_536 }),
  location: T.String({ minLength: 1, maxLength: 200 }),
});
export type CreateVolumeRequest = Static<typeof CreateVolumeRequest>;
export const AttachVolumeRequest = Strict({ machineId: Uuid });

export const Size = T.Object({
  externalId: T.String(),
  name: T.String(),
  cpus: T.Union([T.Null(), T.Integer()]),
  memoryMb: T.Union([T.Null(), T.Integer()]),
  diskGb: T.Union([T.Null(), T.Integer()]),
  priceMonthly: T.Union([T.Null(), T.String()]),
  priceHourly: T.Union([T.Null(), T.String()]),
  currency: T.String(),
  architectures: T.Array(T.String(), {
    description: 'x86_64, arm64...; empty when the provider does not say',
  }),
  locations: T.Array(T.String()),
});
export type Size = Static<typeof Size>;
export const Image = T.Object({
  externalId: T.String(),
  name: T.String({ description: "A readable name (a public image's description), else the provider's name" }),
  providerName: T.String({ description: "The provider's own name of the image" }),
  os: T.Union([T.Null(), T.String()]),
  architecture: T.Union([T.Null(), T.String()]),
  region: T.Union([T.Null(), T.String()], { description: 'The region an EC2 image belongs to' }),
  isPublic: T.Boolean(),
});
export type Image = Static<typeof Image>;
export const Location = T.Object({
  externalId: T.String(),
  name: T.String(),
  country: T.Union([T.Null(), T.String()]),
  region: T.String({ description: 'The region of a zone, or the location itself' }),
});
export const CatalogQuery = Strict({
  location: T.Optional(
    T.String({
      minLength: 1,
      maxLength: 200,
      description: 'Only what can be launched there, priced for its region',
    }),
  ),
});
export type Location = Static<typeof Location>;
export const SizeList = T.Object({ items: T.Array(Size) });
export const ImageList = T.Object({ items: T.Array(Image) });
export const LocationList = T.Object({ items: T.Array(Location) });

export const CostSummary = T.Object({
  currency: T.String(),
  totalMonthly: T.String({ description: 'Machines and volumes; always the sum of byCloud[].monthly' }),
  machinesMonthly: T.String(),
  volumesMonthly: T.String(),
  unpricedMachines: T.Integer({ description: 'Billed machines with no known price, not in the totals' }),
  unpricedVolumes: T.Integer(),
  unpricedReasons: T.Array(T.Object({ reason: T.String(), machines: T.Integer() })),
  byCloud: T.Array(
    T.Object({
      cloudId: Uuid,
      title: T.String(),
      provider: T.String(),
      monthly: T.String({ description: 'Machines and volumes, as on the Clouds page' }),
      machinesMonthly: T.String(),
      volumesMonthly: T.String(),
      machines: T.Integer(),
      volumes: T.Integer(),
      unpricedMachines: T.Integer(),
      unpricedVolumes: T.Integer(),
    }),
  ),
  byTag: T.Array(
    T.Object({ key: T.String(), value: T.String(), monthly: T.String(), machines: T.Integer() }),
  ),
});
export type CostSummary = Static<typeof CostSummary>;

export const CostHistoryQuery = Strict({
  days: T.Optional(T.Integer({ minimum: 1, maximum: 366, default: 30 })),
});
export const CostHistory = T.Object({
  currency: T.String(),
  days: T.Array(T.Object({ day: T.String({ format: 'date' }), monthly: T.String() })),
});
export type CostHistory = Static<typeof CostHistory>;

/** What the stream pushes to browsers. */
export const StreamEvent = T.Union([
  T.Object({
    type: T.Literal('machine.changed'),
    cloudId: Uuid,
    machineId: Uuid,
    kind: T.String(),
    data: T.Record(T.String(), T.Unknown()),
  }),
  T.Object({
    type: T.Literal('inventory.changed'),
    cloudId: Uuid,
    counts: T.Record(T.String(), T.Integer()),
  }),
  T.Object({ type: T.Literal('cloud.changed'), cloudId: Uuid }),
  T.Object({
    type: T.Literal('script.output'),
    runId: Uuid,
    targetId: Uuid,
    machineId: Uuid,
    stream: T.Union([T.Literal('stdout'), T.Literal('stderr')]),
    data: T.String(),
  }),
  T.Object({
    type: T.Literal('script.target'),
    runId: Uuid,
    targetId: Uuid,
    machineId: Uuid,
    status: T.String(),
    exitCode: T.Union([T.Null(), T.Integer()]),
    error: T.Union([T.Null(), T.String()]),
  }),
  T.Object({ type: T.Literal('script.run'), runId: Uuid, scriptId: Uuid, status: T.String() }),
  T.Object({ type: T.Literal('schedule.run'), scheduleId: Uuid, runId: Uuid, status: T.String() }),
  T.Object({
    type: T.Literal('stack.changed'),
    stackId: Uuid,
    part: T.Union([T.Literal('stack'), T.Literal('resource'), T.Literal('step')]),
    name: T.String({ description: 'The stack, resource (web-2) or step name' }),
    status: T.String(),
  }),
  T.Object({
    type: T.Literal('template.changed'),
    templateId: Uuid,
    change: T.Union(
      [
        T.Literal('created'),
        T.Literal('renamed'),
        T.Literal('version'),
        T.Literal('published'),
        T.Literal('unpublished'),
        T.Literal('deleted'),
      ],
      { description: 'version: a new version, written here or read from Git' },
    ),
  }),
  T.Object({
    type: T.Literal('incident.changed'),
    incidentId: Uuid,
    ruleId: Uuid,
    machineId: T.Union([Uuid, T.Null()]),
    status: T.Union([T.Literal('open'), T.Literal('resolved')]),
  }),
  T.Object({
    type: T.Literal('notice'),
    subject: T.String(),
    text: T.String(),
    severity: T.String(),
  }),
]);
export type StreamEvent = Static<typeof StreamEvent>;
