import { type Static, Type as T, type TSchema, type TUnion } from '@sinclair/typebox';
import { ChannelKindSchema } from './chat';
import { IsoDateTime, Strict, Uuid } from './common';

// Monitoring: metrics, alert rules, incidents and notification channels.

/**
 * A union told apart by its "kind" field. Validated as oneOf with a discriminator, so a mistake
 * is reported inside the variant that was meant ("condition.threshold must be number") rather
 * than as "must match a schema in anyOf".
 */
const ByKind = <V extends TSchema[]>(variants: [...V], options: Record<string, unknown> = {}) =>
  T.Unsafe<Static<TUnion<V>>>({
    ...options,
    // The discriminator keyword skips anything that is not an object: say it must be one.
    type: 'object',
    required: ['kind'],
    oneOf: variants,
    discriminator: { propertyName: 'kind' },
  });

/** A string from a fixed list; validated as an enum so a mistake lists the allowed values. */
const OneOf = <V extends string>(values: readonly V[], options: Record<string, unknown> = {}) =>
  T.Unsafe<V>({ ...options, type: 'string', enum: [...values] });

export const MetricName = OneOf(
  ['cpu', 'load1', 'load5', 'load15', 'memory', 'disk', 'net_rx', 'net_tx'] as const,
  {
    description: 'cpu, memory and disk are percentages; load is the load average; net_* are bytes per second',
  },
);
export type MetricName = Static<typeof MetricName>;

export const MetricSeriesQuery = Strict({
  metric: MetricName,
  from: T.Optional(IsoDateTime),
  to: T.Optional(IsoDateTime),
  range: T.Optional(
    T.Union([T.Literal('1h'), T.Literal('24h'), T.Literal('7d'), T.Literal('30d')], {
      description: 'Instead of from/to: the last hour, day, week or 30 days',
    }),
  ),
});
export type MetricSeriesQuery = Static<typeof MetricSeriesQuery>;

export const MetricPoint = T.Object({ t: IsoDateTime, avg: T.Number(), min: T.Number(), max: T.Number() });
export const MetricSeries = T.Object({
  metric: MetricName,
  from: IsoDateTime,
  to: IsoDateTime,
  stepSeconds: T.Integer(),
  source: T.Union([T.Literal('raw'), T.Literal('rollup')]),
  series: T.Array(
    T.Object({
      name: T.String({ description: 'The mount point for disk; empty for the others' }),
      points: T.Array(MetricPoint),
    }),
  ),
});
export type MetricSeries = Static<typeof MetricSeries>;

export const MonitoringMethod = T.Union([T.Literal('ssh'), T.Literal('node_exporter')]);

export const MachineMonitoring = T.Object({
  enabled: T.Boolean(),
  method: MonitoringMethod,
  nodeExporterUrl: T.Union([T.String(), T.Null()]),
  lastSampleAt: T.Union([IsoDateTime, T.Null()]),
  lastError: T.Union([T.String(), T.Null()], {
    description: 'Why the last collection could not read the machine; null when it could',
  }),
  latest: T.Array(T.Object({ metric: MetricName, series: T.String(), value: T.Number() })),
});
export type MachineMonitoring = Static<typeof MachineMonitoring>;

const HttpUrl = T.String({
  maxLength: 2048,
  pattern: '^https?://[^\\s]+$',
  description: 'An http:// or https:// URL',
});

export const MachineMonitoringRequest = Strict({
  enabled: T.Boolean(),
  method: T.Optional(MonitoringMethod),
  nodeExporterUrl: T.Optional(
    T.Union([HttpUrl, T.Null()], { description: 'e.g. http://10.0.0.5:9100/metrics' }),
  ),
});
export type MachineMonitoringRequest = Static<typeof MachineMonitoringRequest>;

const TagKey = T.String({ minLength: 1, maxLength: 128 });

export const RuleTarget = ByKind(
  [
    Strict({ kind: T.Literal('all') }),
    Strict({ kind: T.Literal('machines'), machineIds: T.Array(Uuid, { minItems: 1, maxItems: 1000 }) }),
    Strict({
      kind: T.Literal('tag'),
      key: TagKey,
      value: T.Optional(T.String({ maxLength: 256, description: 'Omitted: any value' })),
    }),
    Strict({ kind: T.Literal('cloud'), cloudIds: T.Array(Uuid, { minItems: 1, maxItems: 100 }) }),
  ],
  { description: 'Which machines: all, by id, by tag, or by cloud' },
);
export type RuleTarget = Static<typeof RuleTarget>;

export const MonitoringBulkRequest = Strict({ target: RuleTarget, enabled: T.Boolean() });
export type MonitoringBulkRequest = Static<typeof MonitoringBulkRequest>;

const Operator = OneOf(['>', '>=', '<', '<='] as const);
const Seconds = (min: number, max: number, description: string) =>
  T.Integer({ minimum: min, maximum: max, description });

export const RuleCondition = ByKind([
  Strict({
    kind: T.Literal('metric'),
    metric: MetricName,
    aggregate: OneOf(['avg', 'max', 'min', 'last'] as const),
    windowSeconds: Seconds(60, 86_400, 'The window the metric is aggregated over'),
    operator: Operator,
    threshold: T.Number(),
    forEvaluations: T.Optional(
      T.Integer({
        minimum: 1,
        maximum: 100,
        description: 'Consecutive evaluations that must match (default 1)',
      }),
    ),
  }),
  Strict({
    kind: T.Literal('no_data'),
    forSeconds: Seconds(60, 7 * 86_400, 'No sample for this long fires'),
  }),
  Strict({
    kind: T.Literal('state'),
    states: T.Array(OneOf(['stopped', 'missing', 'error', 'terminated', 'unknown', 'pending'] as const), {
      minItems: 1,
      maxItems: 6,
    }),
    forSeconds: Seconds(0, 30 * 86_400, 'How long the machine must have been in the state'),
  }),
  Strict({
    kind: T.Literal('cost'),
    scope: OneOf(['machine', 'total'] as const, {
      description: "machine: each machine's monthly cost; total: the targeted machines together",
    }),
    threshold: T.Number({ minimum: 0, description: 'Monthly cost above which it fires' }),
  }),
  Strict({
    kind: T.Literal('budget'),
    teamId: T.Optional(
      T.Union([T.Null(), Uuid], {
        description: "The team whose members' machines and budget count; absent or null: the organization's",
      }),
    ),
    percent: T.Number({
      minimum: 1,
      maximum: 1000,
      description: "Fires when the targeted machines' monthly spend is above this share of the budget",
    }),
  }),
]);
export type RuleCondition = Static<typeof RuleCondition>;

export const RuleAction = ByKind([
  Strict({
    kind: T.Literal('email'),
    channelId: T.Optional(Uuid),
  }),
  Strict({
    kind: T.Literal('webhook'),
    channelId: T.Optional(Uuid),
  }),
  Strict({
    kind: T.Literal('chat'),
    channelId: T.Optional(
      T.String({ format: 'uuid', description: 'One chat channel; omitted: every enabled chat channel' }),
    ),
  }),
  Strict({
    kind: T.Literal('script'),
    scriptId: Uuid,
    params: T.Optional(
      T.Record(T.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$' }), T.String({ maxLength: 4096 }), {
        maxProperties: 50,
      }),
    ),
  }),
  Strict({
    kind: T.Literal('machine_action'),
    action: OneOf(['reboot', 'stop', 'destroy'] as const),
  }),
]);
export type RuleAction = Static<typeof RuleAction>;

const RuleName = T.String({ minLength: 1, maxLength: 120, pattern: '\\S' });

export const CreateRuleRequest = Strict({
  name: RuleName,
  enabled: T.Optional(T.Boolean()),
  target: RuleTarget,
  condition: RuleCondition,
  actions: T.Array(RuleAction, { maxItems: 20 }),
  cooldownSeconds: T.Optional(
    T.Integer({
      minimum: 0,
      maximum: 7 * 86_400,
      description: 'Actions run at most once per machine in this time',
    }),
  ),
});
export type CreateRuleRequest = Static<typeof CreateRuleRequest>;

export const UpdateRuleRequest = Strict({
  name: T.Optional(RuleName),
  enabled: T.Optional(T.Boolean()),
  target: T.Optional(RuleTarget),
  condition: T.Optional(RuleCondition),
  actions: T.Optional(T.Array(RuleAction, { maxItems: 20 })),
  cooldownSeconds: T.Optional(T.Integer({ minimum: 0, maximum: 7 * 86_400 })),
});
export type UpdateRuleRequest = Static<typeof UpdateRuleRequest>;

export const Rule = T.Object(
  {
    id: Uuid,
    name: T.String(),
    enabled: T.Boolean(),
    disabledReason: T.Union([T.Null(), T.String()], {
      description: 'Why the platform turned it off: the person it acts for may no longer do what it does',
    }),
    target: RuleTarget,
    condition: RuleCondition,
    actions: T.Array(RuleAction),
    cooldownSeconds: T.Integer(),
    openIncidents: T.Integer(),
    lastFiredAt: T.Union([IsoDateTime, T.Null()]),
    createdAt: IsoDateTime,
    updatedAt: IsoDateTime,
  },
  { $id: 'Rule' },
);
export type Rule = Static<typeof Rule>;
export const RuleList = T.Object({ items: T.Array(T.Ref(Rule)) });
export type RuleList = Static<typeof RuleList>;

export const TimelineEntry = T.Object({
  at: IsoDateTime,
  kind: T.String({ description: 'opened, action, resolved, note' }),
  message: T.String(),
  ok: T.Optional(T.Boolean()),
  output: T.Optional(T.String()),
  scriptRunId: T.Optional(
    T.String({ format: 'uuid', description: 'The script run an action started: its output and exit code' }),
  ),
});
export type TimelineEntry = Static<typeof TimelineEntry>;

export const Incident = T.Object(
  {
    id: Uuid,
    ruleId: Uuid,
    ruleName: T.String(),
    machineId: T.Union([Uuid, T.Null()]),
    machineName: T.Union([T.String(), T.Null()]),
    status: T.Union([T.Literal('open'), T.Literal('resolved')]),
    value: T.Union([T.Number(), T.Null()]),
    openedAt: IsoDateTime,
    resolvedAt: T.Union([IsoDateTime, T.Null()]),
    acknowledgedAt: T.Union([IsoDateTime, T.Null()]),
    acknowledgedBy: T.Union([T.String(), T.Null()], { description: 'The email of who acknowledged it' }),
    timeline: T.Array(TimelineEntry),
  },
  { $id: 'Incident' },
);
export type Incident = Static<typeof Incident>;
export const IncidentList = T.Object({ items: T.Array(T.Ref(Incident)) });
export type IncidentList = Static<typeof IncidentList>;
export const IncidentListQuery = Strict({
  status: T.Optional(T.Union([T.Literal('open'), T.Literal('resolved')])),
  ruleId: T.Optional(Uuid),
  machineId: T.Optional(Uuid),
  limit: T.Optional(T.Integer({ minimum: 1, maximum: 500 })),
});
export type IncidentListQuery = Static<typeof IncidentListQuery>;

const ChannelName = T.String({ minLength: 1, maxLength: 100, pattern: '\\S' });
const Email = T.String({ format: 'email', maxLength: 254 });

/** A chat platform's incoming-webhook address, or an ntfy server; it holds a secret, so it is stored sealed. */
const ChannelUrl = T.String({
  maxLength: 2048,
  pattern: HttpUrl.pattern,
  description:
    'webhook: where Overcast POSTs; slack, teams, discord, mattermost: the incoming-webhook URL; ntfy: the server (https://ntfy.sh)',
});
const NtfyTopic = T.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^[A-Za-z0-9_-]+$',
  description: 'ntfy: the topic (letters, digits, _ and -); anyone who knows it can read it',
});
const NtfyAccessToken = T.String({
  minLength: 1,
  maxLength: 256,
  pattern: '^[\\x21-\\x7e]+$',
  description: 'ntfy: an access token (tk_...) for a protected topic',
});

/**
 * Email channels need recipients, the others a URL, ntfy a topic too (checked by the service,
 * which names the field).
 */
export const CreateNotificationChannelRequest = Strict({
  kind: ChannelKindSchema,
  name: ChannelName,
  recipients: T.Optional(T.Array(Email, { minItems: 1, maxItems: 50, description: 'For email' })),
  url: T.Optional(ChannelUrl),
  topic: T.Optional(NtfyTopic),
  accessToken: T.Optional(NtfyAccessToken),
  enabled: T.Optional(T.Boolean()),
});
export type CreateNotificationChannelRequest = Static<typeof CreateNotificationChannelRequest>;

export const UpdateNotificationChannelRequest = Strict({
  name: T.Optional(ChannelName),
  recipients: T.Optional(T.Array(Email, { minItems: 1, maxItems: 50 })),
  url: T.Optional(ChannelUrl),
  topic: T.Optional(NtfyTopic),
  accessToken: T.Optional(NtfyAccessToken),
  enabled: T.Optional(T.Boolean()),
});
export type UpdateNotificationChannelRequest = Static<typeof UpdateNotificationChannelRequest>;

export const NotificationChannel = T.Object(
  {
    id: Uuid,
    kind: ChannelKindSchema,
    name: T.String(),
    enabled: T.Boolean(),
    recipients: T.Optional(T.Array(T.String())),
    url: T.Optional(T.String()),
    destination: T.Optional(
      T.String({
        description:
          "Chat channels: where they post, without the address's secret part (https://hooks.slack.com/…)",
      }),
    ),
    /** Only in the answer that creates a webhook: the HMAC key, shown once. */
    secret: T.Optional(
      T.String({ description: 'The signing secret; shown once, when the webhook is created' }),
    ),
    createdAt: IsoDateTime,
  },
  { $id: 'NotificationChannel' },
);
export type NotificationChannel = Static<typeof NotificationChannel>;
export const NotificationChannelList = T.Object({
  items: T.Array(T.Ref(NotificationChannel)),
  emailAvailable: T.Boolean({ description: 'Whether email can be sent at all (smtp.host is set)' }),
});
export type NotificationChannelList = Static<typeof NotificationChannelList>;

export const ChannelTestResult = T.Object({ ok: T.Boolean(), message: T.String() });
export type ChannelTestResult = Static<typeof ChannelTestResult>;

export const FleetQuery = Strict({
  hours: T.Optional(T.Integer({ minimum: 1, maximum: 168 })),
  limit: T.Optional(T.Integer({ minimum: 1, maximum: 100 })),
});
const FleetMachine = T.Object({
  machineId: Uuid,
  name: T.String(),
  cloudId: Uuid,
  state: T.String(),
  cpu: T.Number(),
  memory: T.Union([T.Number(), T.Null()]),
  costMonthly: T.Union([T.Number(), T.Null()]),
  currency: T.String(),
});
export const FleetUsage = T.Object({
  hours: T.Integer(),
  monitored: T.Integer(),
  busiest: T.Array(FleetMachine),
  idlest: T.Array(FleetMachine),
});
export type FleetUsage = Static<typeof FleetUsage>;
