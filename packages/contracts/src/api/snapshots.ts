import { type Static, Type as T } from '@sinclair/typebox';
import { IsoDateTime, Strict, Uuid } from './common';

/** Names of snapshots and clones: what every provider accepts (letters, digits, dot, dash, underscore). */
const CopyName = T.String({
  minLength: 1,
  maxLength: 63,
  pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$',
  description: 'Letters, digits, ".", "_" and "-", starting with a letter or digit; at most 63',
});

export const Snapshot = T.Object(
  {
    id: T.String({ description: "The provider's id of the snapshot" }),
    name: T.String(),
    state: T.Union([T.Literal('available'), T.Literal('creating'), T.Literal('error')]),
    createdAt: T.Union([T.Null(), IsoDateTime]),
    sizeGb: T.Union([T.Null(), T.Number()]),
  },
  { $id: 'Snapshot' },
);
export type Snapshot = Static<typeof Snapshot>;

export const SnapshotList = T.Object({
  items: T.Array(Snapshot),
  canRevert: T.Boolean({ description: 'Whether the provider can bring the machine back to a snapshot' }),
  canDelete: T.Boolean({
    description:
      'Whether the provider deletes a snapshot on request (Linode replaces its one manual snapshot instead)',
  }),
  revertNeeds: T.Union([T.Null(), T.Literal('running'), T.Literal('stopped')], {
    description: 'The state the machine must be in for a revert, when the provider needs one',
  }),
});
export type SnapshotList = Static<typeof SnapshotList>;

export const CreateSnapshotRequest = Strict({ name: CopyName });
export type CreateSnapshotRequest = Static<typeof CreateSnapshotRequest>;

export const SnapshotParams = Strict({
  id: Uuid,
  sid: T.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9._:/-]+$' }),
});

export const ResizeOption = T.Object({
  externalId: T.String(),
  name: T.String(),
  cpus: T.Union([T.Null(), T.Integer()]),
  memoryMb: T.Union([T.Null(), T.Integer()]),
  diskGb: T.Union([T.Null(), T.Integer()]),
  priceMonthly: T.Union([T.Null(), T.String()]),
  /** The new monthly price less the current one; null when either is unknown. */
  differenceMonthly: T.Union([T.Null(), T.String()]),
  currency: T.String(),
});
export type ResizeOption = Static<typeof ResizeOption>;

export const ResizeOptions = T.Object({
  current: T.Object({
    size: T.Union([T.Null(), T.String()]),
    priceMonthly: T.Union([T.Null(), T.String()]),
    currency: T.String(),
  }),
  /** Whether the machine must be stopped before it can be resized (and is not). */
  mustStop: T.Boolean(),
  sizes: T.Array(ResizeOption, { description: 'Sizes of the same cloud and location, cheapest first' }),
});
export type ResizeOptions = Static<typeof ResizeOptions>;

export const ResizeRequest = Strict({ size: T.String({ minLength: 1, maxLength: 100 }) });
export type ResizeRequest = Static<typeof ResizeRequest>;

export const CloneRequest = Strict({ name: CopyName });
export type CloneRequest = Static<typeof CloneRequest>;
