import { type Static, Type as T, type TSchema } from '@sinclair/typebox';
import { IsoDateTime, Strict, Uuid } from './common';

/**
 * A provider's kind. The API narrows it to the kinds the registry knows (`PROVIDER_KINDS` in
 * @overcast/providers); each provider's credential and config schemas are its module's.
 */
export const CloudProvider = T.String({
  pattern: '^[a-z0-9_]{1,40}$',
  description: 'The provider, one of GET /api/v1/providers',
});
export type CloudProvider = Static<typeof CloudProvider>;

const Money = T.String({
  pattern: '^\\d{1,8}(\\.\\d{1,4})?$',
  description: 'A decimal amount, e.g. "12.50"',
});

const createCloudRequest = <P extends TSchema>(provider: P) =>
  Strict({
    provider,
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

/** A new cloud's body, its provider any kind; the API serves `createCloudRequestFor(kinds)`. */
export const CreateCloudRequest = createCloudRequest(CloudProvider);
/** A new cloud's body, its provider one of `kinds` (the registry's), so OpenAPI lists them. */
export const createCloudRequestFor = (kinds: readonly string[]) =>
  createCloudRequest(
    T.Union(
      kinds.map((k) => T.Literal(k)),
      { description: CloudProvider.description },
    ),
  );
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
