import { type Static, Type as T } from '@sinclair/typebox';
import { IsoDateTime, Strict, Uuid } from './common';

const Money = T.String({
  pattern: '^[0-9]{1,10}(\\.[0-9]{1,2})?$',
  description: 'US dollars, e.g. "500.00"',
});
const Names = (what: string) =>
  T.Array(T.String({ minLength: 1, maxLength: 512 }), {
    maxItems: 500,
    description: `Only these ${what}; empty allows any`,
  });

export const OverBudget = T.Union([T.Literal('refuse'), T.Literal('approval')], {
  description:
    'What a stack or catalog request over the budget meets: refused, or kept for an admin to approve (default refuse)',
});
export type OverBudget = Static<typeof OverBudget>;

/** Quotas and constraints, as set by an admin. Absent or null: no limit. */
export const LimitsInput = Strict({
  maxMachines: T.Optional(T.Union([T.Null(), T.Integer({ minimum: 0, maximum: 1_000_000 })])),
  maxVcpus: T.Optional(T.Union([T.Null(), T.Integer({ minimum: 0, maximum: 10_000_000 })])),
  monthlyBudget: T.Optional(T.Union([T.Null(), Money])),
  allowedCloudIds: T.Optional(
    T.Array(Uuid, { maxItems: 500, description: 'Only these clouds; empty allows any' }),
  ),
  allowedLocations: T.Optional(Names('locations')),
  allowedSizes: T.Optional(Names('sizes')),
  allowedImages: T.Optional(Names('images')),
  requiredTags: T.Optional(
    T.Record(
      T.String({ minLength: 1, maxLength: 128 }),
      T.Array(T.String({ maxLength: 256 }), { maxItems: 100 }),
      {
        maxProperties: 50,
        description: 'Tags every machine must carry: key -> the values allowed (empty: any value)',
      },
    ),
  ),
  maxLifetimeHours: T.Optional(
    T.Union([
      T.Null(),
      T.Integer({
        minimum: 1,
        maximum: 87_600,
        description: 'Every machine gets an expiration at most this far ahead',
      }),
    ]),
  ),
  overBudget: T.Optional(OverBudget),
});
export type LimitsInput = Static<typeof LimitsInput>;

export const Limits = T.Object({
  maxMachines: T.Union([T.Null(), T.Integer()]),
  maxVcpus: T.Union([T.Null(), T.Integer()]),
  monthlyBudget: T.Union([T.Null(), T.String()]),
  allowedCloudIds: T.Array(Uuid),
  allowedLocations: T.Array(T.String()),
  allowedSizes: T.Array(T.String()),
  allowedImages: T.Array(T.String()),
  requiredTags: T.Record(T.String(), T.Array(T.String())),
  maxLifetimeHours: T.Union([T.Null(), T.Integer()]),
  overBudget: OverBudget,
});
export type Limits = Static<typeof Limits>;

export const Usage = T.Object({
  machines: T.Integer(),
  vcpus: T.Integer(),
  monthly: T.String({ description: 'Monthly run-rate of its billed machines, in US dollars' }),
});
export type Usage = Static<typeof Usage>;

/** One scope's limits and what it uses now. */
export const ScopeLimits = T.Object({
  scope: T.Union([T.Literal('organization'), T.Literal('team')]),
  teamId: T.Union([T.Null(), Uuid]),
  name: T.String(),
  limits: Limits,
  usage: Usage,
  updatedAt: T.Union([T.Null(), IsoDateTime]),
});
export type ScopeLimits = Static<typeof ScopeLimits>;
export const ScopeLimitsList = T.Object({ items: T.Array(ScopeLimits) });
export type ScopeLimitsList = Static<typeof ScopeLimitsList>;

/** What the create-machine form sends to see the cost and what remains before creating. */
export const EstimateMachineRequest = Strict({
  size: T.String({ minLength: 1, maxLength: 200 }),
  location: T.Optional(T.String({ minLength: 1, maxLength: 200 })),
  image: T.Optional(T.String({ minLength: 1, maxLength: 512 })),
  tags: T.Optional(
    T.Record(T.String({ minLength: 1, maxLength: 128 }), T.String({ maxLength: 256 }), {
      maxProperties: 1000,
    }),
  ),
});
export type EstimateMachineRequest = Static<typeof EstimateMachineRequest>;

export const MachineEstimate = T.Object({
  monthly: T.Union([T.Null(), T.String()], { description: 'Estimated monthly cost; null when unknown' }),
  vcpus: T.Union([T.Null(), T.Integer()]),
  budgets: T.Array(
    T.Object({
      name: T.String(),
      budget: T.String(),
      used: T.String(),
      remaining: T.String({ description: 'What remains after this machine (negative: over)' }),
    }),
  ),
  refusal: T.Union([T.Null(), T.String()], { description: 'Why creating it would be refused now' }),
  needsApproval: T.Boolean({ description: 'Over budget, and the limits send it to an admin instead' }),
});
export type MachineEstimate = Static<typeof MachineEstimate>;
