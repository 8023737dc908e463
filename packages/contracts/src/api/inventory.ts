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
  locations: T.Array(T.String()),
});
export type Size = Static<typeof Size>;
export const Image = T.Object({
  externalId: T.String(),
  name: T.String(),
  os: T.Union([T.Null(), T.String()]),
  isPublic: T.Boolean(),
});
export type Image = Static<typeof Image>;
export const Location = T.Object({
  externalId: T.String(),
  name: T.String(),
  country: T.Union([T.Null(), T.String()]),
});
export type Location = Static<typeof Location>;
export const SizeList = T.Object({ items: T.Array(Size) });
export const ImageList = T.Object({ items: T.Array(Image) });
export const LocationList = T.Object({ items: T.Array(Location) });

export const CostSummary = T.Object({
  currency: T.String(),
  totalMonthly: T.String(),
  byCloud: T.Array(
    T.Object({
      cloudId: Uuid,
      title: T.String(),
      provider: T.String(),
      monthly: T.String(),
      machines: T.Integer(),
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
    type: T.Literal('notice'),
    subject: T.String(),
    text: T.String(),
    severity: T.String(),
  }),
]);
export type StreamEvent = Static<typeof StreamEvent>;
