import { type Static, Type as T } from '@sinclair/typebox';
import { IsoDateTime, Strict, Uuid } from './common';
import { DeployStackRequest, TemplateInput } from './templates';

// The catalog: template versions an admin published to teams, deployed by their members with
// only the inputs; and the requests over budget kept for an admin's approval.

export const PublishCatalogItemRequest = Strict({
  templateId: Uuid,
  version: T.Optional(T.Integer({ minimum: 1, description: 'Default: the current version' })),
  name: T.String({ minLength: 1, maxLength: 100 }),
  description: T.Optional(T.String({ maxLength: 2000 })),
  teamIds: T.Array(Uuid, { minItems: 1, maxItems: 100, description: 'The teams whose members see it' }),
});
export type PublishCatalogItemRequest = Static<typeof PublishCatalogItemRequest>;

export const CatalogItem = T.Object({
  id: Uuid,
  name: T.String(),
  description: T.String(),
  templateId: Uuid,
  templateVersion: T.Integer(),
  teams: T.Array(T.Object({ id: Uuid, name: T.String() })),
  inputs: T.Record(T.String(), TemplateInput),
  machines: T.Integer({ description: 'How many machines a deploy makes, at the inputs\u2019 defaults' }),
  publishedBy: T.String(),
  createdAt: IsoDateTime,
});
export type CatalogItem = Static<typeof CatalogItem>;
export const CatalogItemList = T.Object({ items: T.Array(CatalogItem) });
export type CatalogItemList = Static<typeof CatalogItemList>;

const { name, inputs } = DeployStackRequest.properties;

/** A deploy from the catalog: a stack name and the inputs, nothing else. */
export const CatalogDeployRequest = Strict({ name, inputs });
export type CatalogDeployRequest = Static<typeof CatalogDeployRequest>;

export const CatalogEstimateRequest = Strict({ inputs });
export type CatalogEstimateRequest = Static<typeof CatalogEstimateRequest>;

export const CatalogEstimate = T.Object({
  monthly: T.Union([T.Null(), T.String()], {
    description: 'Estimated monthly cost of every machine; null when a price is unknown',
  }),
  machines: T.Integer(),
  budgets: T.Array(
    T.Object({
      name: T.String(),
      budget: T.String(),
      used: T.String(),
      remaining: T.String({ description: 'What remains after this stack (negative: over)' }),
    }),
  ),
  refusal: T.Union([T.Null(), T.String()], { description: 'Why deploying would be refused now' }),
  needsApproval: T.Boolean({ description: 'Over budget, and the limits send it to an admin instead' }),
});
export type CatalogEstimate = Static<typeof CatalogEstimate>;

export const DeployRequestStatus = T.Union(
  [T.Literal('pending'), T.Literal('deployed'), T.Literal('rejected'), T.Literal('failed')],
  {
    description:
      'pending: waits for an admin; deployed: approved, its stack or machine made; failed: approved but refused on another limit',
  },
);

export const DeployRequest = T.Object({
  id: Uuid,
  catalogItemId: T.Union([T.Null(), Uuid]),
  catalogItemName: T.Union([T.Null(), T.String()]),
  templateId: T.Union([T.Null(), Uuid]),
  templateVersion: T.Union([T.Null(), T.Integer()]),
  stackName: T.Union([T.Null(), T.String()], { description: 'Null for a machine request' }),
  machine: T.Union([
    T.Null(),
    T.Object(
      {
        cloudId: Uuid,
        cloudTitle: T.String(),
        name: T.String(),
        size: T.String(),
        image: T.String(),
        location: T.String(),
      },
      { description: 'A machine asked for from the create form (null for a stack)' },
    ),
  ]),
  machineId: T.Union([T.Null(), Uuid], { description: 'The machine made once approved' }),
  inputs: T.Record(T.String(), T.String(), { description: 'Secret inputs are left out' }),
  requestedBy: T.String(),
  status: DeployRequestStatus,
  refusal: T.String({ description: 'The limit it went over: the limit, the use and what would fit' }),
  decisionReason: T.Union([T.Null(), T.String()]),
  decidedBy: T.Union([T.Null(), T.String()]),
  decidedAt: T.Union([T.Null(), IsoDateTime]),
  stackId: T.Union([T.Null(), Uuid]),
  error: T.Union([T.Null(), T.String()]),
  createdAt: IsoDateTime,
});
export type DeployRequest = Static<typeof DeployRequest>;
export const DeployRequestList = T.Object({ items: T.Array(DeployRequest) });
export type DeployRequestList = Static<typeof DeployRequestList>;

export const RejectDeployRequest = Strict({
  reason: T.String({ minLength: 1, maxLength: 1000, description: 'Shown to the requester' }),
});
export type RejectDeployRequest = Static<typeof RejectDeployRequest>;
