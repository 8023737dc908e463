import { type Static, Type as T } from '@sinclair/typebox';
import { Strict, Uuid } from './common';

const Day = T.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description: 'A day, YYYY-MM-DD (UTC).' });

export const CostReportQuery = Strict({
  from: T.Optional(Day),
  to: T.Optional(Day),
  groupBy: T.Optional(
    T.String({ maxLength: 140, description: 'cloud | team | owner | tag:<key>; cloud when left out.' }),
  ),
  granularity: T.Optional(T.Union([T.Literal('day'), T.Literal('month')])),
});
export type CostReportQuery = Static<typeof CostReportQuery>;

/** Money as a decimal string in cents ("12.34"), so sums are exact. */
const Money = T.String();

const MonthOverMonth = {
  /** Spend in the 30 days ending at `to`. */
  current: Money,
  /** Spend in the 30 days before those. */
  previous: Money,
  change: Money,
  /** Change as a percentage of `previous`; null when `previous` is zero. */
  changePercent: T.Union([T.Number(), T.Null()]),
};

export const CostReportGroup = T.Object({
  /** The cloud, team or owner id, or the tag value; '' for no team, no owner or untagged. */
  key: T.String(),
  label: T.String(),
  total: Money,
  /** Spend per period, in the order of `periods`. */
  series: T.Array(Money),
  ...MonthOverMonth,
});
export type CostReportGroup = Static<typeof CostReportGroup>;

export const CostMover = T.Object({ key: T.String(), label: T.String(), ...MonthOverMonth });
export type CostMover = Static<typeof CostMover>;

export const CostReport = T.Object({
  currency: T.String(),
  from: T.String(),
  to: T.String(),
  groupBy: T.String(),
  granularity: T.Union([T.Literal('day'), T.Literal('month')]),
  /** Days (YYYY-MM-DD) or months (YYYY-MM) of the range. */
  periods: T.Array(T.String()),
  /** Spend of all groups per period. */
  totals: T.Array(Money),
  total: Money,
  groups: T.Array(CostReportGroup),
  /** The groups whose spend changed most, month over month. */
  movers: T.Array(CostMover),
});
export type CostReport = Static<typeof CostReport>;

export const IdleMachineSaving = T.Object({
  machineId: Uuid,
  name: T.String(),
  cloudId: Uuid,
  cloudTitle: T.String(),
  cpu: T.Number(),
  monthly: Money,
});

export const CostSavings = T.Object({
  currency: T.String(),
  /** Average CPU under this share over `windowHours` makes a running machine idle. */
  idleCpuPercent: T.Number(),
  windowHours: T.Integer(),
  /** What stopping `machines` saves a month. */
  monthly: Money,
  machines: T.Array(IdleMachineSaving),
  /** Idle machines whose provider bills them while stopped (or whose cost is set by tag): stopping saves nothing. */
  billedWhenStopped: T.Array(IdleMachineSaving),
});
export type CostSavings = Static<typeof CostSavings>;
