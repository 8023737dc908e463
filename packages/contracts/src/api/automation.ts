import { type Static, Type as T } from '@sinclair/typebox';
import { IsoDateTime, Strict, Uuid } from './common';

// Scripts, schedules and machine expiration.

/** An environment variable name the script receives a parameter as. */
export const PARAMETER_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_]{0,63}$';

export const ScriptParameter = Strict({
  name: T.String({ pattern: PARAMETER_NAME_PATTERN, description: 'Passed as this environment variable' }),
  description: T.Optional(T.String({ maxLength: 500 })),
  default: T.Optional(T.String({ maxLength: 65_536 })),
  required: T.Optional(T.Boolean()),
  secret: T.Optional(
    T.Boolean({ description: "Its value is never shown with the run (a stack step's secret input)" }),
  ),
});
export type ScriptParameter = Static<typeof ScriptParameter>;

export const ScriptKind = T.Union([T.Literal('shell'), T.Literal('executable'), T.Literal('ansible')], {
  description:
    'shell: run by /bin/sh; executable: run as a file, its shebang line picks the interpreter; ansible: the body is a playbook the worker runs with ansible-playbook against all the targets at once',
});
export type ScriptKind = Static<typeof ScriptKind>;

/** An ansible script's requirements file (YAML: `collections:`), null for none. */
const Requirements = T.Union([T.Null(), T.String({ maxLength: 65_536 })], {
  description:
    "ansible only: a requirements file naming collections the playbook needs; each must already be installed with the worker's Ansible (nothing is downloaded)",
});

export const Script = T.Object({
  id: Uuid,
  name: T.String(),
  description: T.String(),
  kind: T.String(),
  version: T.Integer({ description: 'The current version' }),
  body: T.String(),
  parameters: T.Array(ScriptParameter),
  requirements: T.Union([T.Null(), T.String()]),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type Script = Static<typeof Script>;

export const ScriptList = T.Object({ items: T.Array(Script) });
export type ScriptList = Static<typeof ScriptList>;

const ScriptName = T.String({ minLength: 1, maxLength: 200 });
const ScriptBody = T.String({ minLength: 1, maxLength: 262_144 });
const ScriptParameters = T.Array(ScriptParameter, { maxItems: 50 });

export const CreateScriptRequest = Strict({
  name: ScriptName,
  description: T.Optional(T.String({ maxLength: 2000 })),
  kind: T.Optional(ScriptKind),
  body: ScriptBody,
  parameters: T.Optional(ScriptParameters),
  requirements: T.Optional(Requirements),
});
export type CreateScriptRequest = Static<typeof CreateScriptRequest>;

export const UpdateScriptRequest = Strict({
  name: T.Optional(ScriptName),
  description: T.Optional(T.String({ maxLength: 2000 })),
  kind: T.Optional(ScriptKind),
  body: T.Optional(ScriptBody),
  parameters: T.Optional(ScriptParameters),
  requirements: T.Optional(Requirements),
});
export type UpdateScriptRequest = Static<typeof UpdateScriptRequest>;

export const ScriptVersion = T.Object({
  version: T.Integer(),
  body: T.String(),
  parameters: T.Array(ScriptParameter),
  requirements: T.Union([T.Null(), T.String()]),
  createdAt: IsoDateTime,
});
export const ScriptVersionList = T.Object({ items: T.Array(ScriptVersion) });
export type ScriptVersion = Static<typeof ScriptVersion>;

/** Machines picked by id, by tags (all must match) or by cloud; a machine matching any is included. */
export const TargetSelector = Strict({
  machineIds: T.Optional(T.Array(Uuid, { maxItems: 5000 })),
  tags: T.Optional(
    T.Record(T.String({ minLength: 1, maxLength: 128 }), T.String({ maxLength: 256 }), {
      description: 'key -> value; an empty value matches any value of the key',
    }),
  ),
  cloudIds: T.Optional(T.Array(Uuid, { maxItems: 500 })),
});
export type TargetSelector = Static<typeof TargetSelector>;

const ParameterValues = T.Record(
  T.String({ pattern: PARAMETER_NAME_PATTERN }),
  T.String({ maxLength: 65_536 }),
  {
    description: 'Parameter values, by name; they reach the script as environment variables',
  },
);

export const StartScriptRunRequest = Strict({
  targets: TargetSelector,
  params: T.Optional(ParameterValues),
  timeoutSeconds: T.Optional(
    T.Integer({
      minimum: 1,
      maximum: 86_400,
      description: 'At most the automation.scriptTimeoutSeconds setting',
    }),
  ),
});
export type StartScriptRunRequest = Static<typeof StartScriptRunRequest>;

export const ScriptRunTarget = T.Object({
  id: Uuid,
  machineId: Uuid,
  machineName: T.String(),
  status: T.String({
    description: 'queued | running | succeeded | failed | timed_out | skipped (not allowed; see error)',
  }),
  exitCode: T.Union([T.Null(), T.Integer()]),
  stdout: T.String(),
  stderr: T.String(),
  error: T.Union([T.Null(), T.String()]),
  startedAt: T.Union([T.Null(), IsoDateTime]),
  finishedAt: T.Union([T.Null(), IsoDateTime]),
});
export type ScriptRunTarget = Static<typeof ScriptRunTarget>;

export const ScriptRunSummary = T.Object({
  id: Uuid,
  scriptId: Uuid,
  scriptName: T.String(),
  version: T.Integer(),
  status: T.String({ description: 'queued | running | succeeded | failed' }),
  startedBy: T.String(),
  scheduleRunId: T.Union([T.Null(), Uuid]),
  timeoutSeconds: T.Integer(),
  createdAt: IsoDateTime,
  finishedAt: T.Union([T.Null(), IsoDateTime]),
  counts: T.Record(T.String(), T.Integer(), { description: 'Targets by status' }),
});
export type ScriptRunSummary = Static<typeof ScriptRunSummary>;

export const ScriptRun = T.Composite([
  ScriptRunSummary,
  T.Object({
    parameters: T.Record(T.String(), T.String()),
    target: T.Record(T.String(), T.Unknown()),
    targets: T.Array(ScriptRunTarget),
  }),
]);
export type ScriptRun = Static<typeof ScriptRun>;

export const ScriptRunList = T.Object({ items: T.Array(ScriptRunSummary) });
export type ScriptRunList = Static<typeof ScriptRunList>;

export const StartedRun = T.Object({ id: Uuid, targets: T.Integer() });

// Schedules

export const ScheduleTrigger = T.Union([
  Strict({
    kind: T.Literal('cron'),
    cron: T.String({ minLength: 1, maxLength: 200, description: 'Five fields (or six, with seconds)' }),
    timezone: T.Optional(T.String({ minLength: 1, maxLength: 64, description: 'IANA name; default UTC' })),
  }),
  Strict({
    kind: T.Literal('interval'),
    intervalSeconds: T.Integer({ minimum: 1, maximum: 31_536_000 }),
  }),
  Strict({ kind: T.Literal('once'), runAt: IsoDateTime }),
]);
export type ScheduleTrigger = Static<typeof ScheduleTrigger>;

export const ScheduleActionKind = T.Union([
  T.Literal('start'),
  T.Literal('stop'),
  T.Literal('reboot'),
  T.Literal('destroy'),
  T.Literal('run_script'),
  T.Literal('notify'),
]);
export type ScheduleActionKind = Static<typeof ScheduleActionKind>;

export const ScheduleAction = Strict({
  kind: ScheduleActionKind,
  scriptId: T.Optional(Uuid),
  params: T.Optional(ParameterValues),
  message: T.Optional(T.String({ maxLength: 4000, description: 'For notify' })),
});
export type ScheduleAction = Static<typeof ScheduleAction>;

export const Schedule = T.Object({
  id: Uuid,
  name: T.String(),
  description: T.String(),
  trigger: ScheduleTrigger,
  target: TargetSelector,
  action: ScheduleAction,
  enabled: T.Boolean(),
  disabledReason: T.Union([T.Null(), T.String()], {
    description: 'Why the platform turned it off: the person it acts for may no longer do what it does',
  }),
  startsAt: T.Union([T.Null(), IsoDateTime]),
  endsAt: T.Union([T.Null(), IsoDateTime]),
  maxRuns: T.Union([T.Null(), T.Integer()]),
  runCount: T.Integer(),
  lastRunAt: T.Union([T.Null(), IsoDateTime]),
  nextRuns: T.Array(IsoDateTime, { description: 'The next (up to five) times it fires' }),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type Schedule = Static<typeof Schedule>;

export const ScheduleList = T.Object({ items: T.Array(Schedule) });
export type ScheduleList = Static<typeof ScheduleList>;

const Limits = {
  enabled: T.Optional(T.Boolean()),
  startsAt: T.Optional(T.Union([T.Null(), IsoDateTime])),
  endsAt: T.Optional(T.Union([T.Null(), IsoDateTime])),
  maxRuns: T.Optional(T.Union([T.Null(), T.Integer({ minimum: 1, maximum: 1_000_000 })])),
};

export const CreateScheduleRequest = Strict({
  name: T.String({ minLength: 1, maxLength: 200 }),
  description: T.Optional(T.String({ maxLength: 2000 })),
  trigger: ScheduleTrigger,
  target: TargetSelector,
  action: ScheduleAction,
  ...Limits,
});
export type CreateScheduleRequest = Static<typeof CreateScheduleRequest>;

export const UpdateScheduleRequest = Strict({
  name: T.Optional(T.String({ minLength: 1, maxLength: 200 })),
  description: T.Optional(T.String({ maxLength: 2000 })),
  trigger: T.Optional(ScheduleTrigger),
  target: T.Optional(TargetSelector),
  action: T.Optional(ScheduleAction),
  ...Limits,
});
export type UpdateScheduleRequest = Static<typeof UpdateScheduleRequest>;

export const PreviewScheduleRequest = Strict({
  trigger: ScheduleTrigger,
  startsAt: T.Optional(T.Union([T.Null(), IsoDateTime])),
  endsAt: T.Optional(T.Union([T.Null(), IsoDateTime])),
  maxRuns: T.Optional(T.Union([T.Null(), T.Integer({ minimum: 1 })])),
});
export type PreviewScheduleRequest = Static<typeof PreviewScheduleRequest>;
export const SchedulePreview = T.Object({ nextRuns: T.Array(IsoDateTime) });

export const ScheduleRunResult = T.Object({
  machineId: T.Union([T.Null(), Uuid]),
  name: T.String(),
  result: T.String({ description: 'done | failed | skipped | started' }),
  error: T.Optional(T.String()),
  scriptRunId: T.Optional(Uuid),
});

export const ScheduleRun = T.Object({
  id: Uuid,
  scheduleId: Uuid,
  slot: IsoDateTime,
  firedAt: IsoDateTime,
  finishedAt: T.Union([T.Null(), IsoDateTime]),
  status: T.String({ description: 'running | succeeded | partial | failed' }),
  error: T.Union([T.Null(), T.String()]),
  results: T.Array(ScheduleRunResult),
});
export type ScheduleRun = Static<typeof ScheduleRun>;
export const ScheduleRunList = T.Object({ items: T.Array(ScheduleRun) });
export type ScheduleRunList = Static<typeof ScheduleRunList>;

// Expiration

export const MachineExpiration = T.Object({
  expiresAt: IsoDateTime,
  action: T.Union([T.Literal('stop'), T.Literal('destroy')]),
  notifyMinutesBefore: T.Union([T.Null(), T.Integer()]),
  notifiedAt: T.Union([T.Null(), IsoDateTime]),
});
export type MachineExpiration = Static<typeof MachineExpiration>;

export const SetExpirationRequest = Strict({
  expiresAt: IsoDateTime,
  action: T.Union([T.Literal('stop'), T.Literal('destroy')]),
  notifyMinutesBefore: T.Optional(
    T.Union([
      T.Null(),
      T.Integer({ minimum: 1, maximum: 525_600, description: 'Send a notice this long before' }),
    ]),
  ),
});
export type SetExpirationRequest = Static<typeof SetExpirationRequest>;

export const ExpiringQuery = Strict({
  withinHours: T.Optional(T.Integer({ minimum: 1, maximum: 8760, default: 168 })),
});

export const ExpiringMachine = T.Object({
  machineId: Uuid,
  name: T.String(),
  cloudId: Uuid,
  state: T.String(),
  expiresAt: IsoDateTime,
  action: T.String(),
  notifyMinutesBefore: T.Union([T.Null(), T.Integer()]),
});
export const ExpiringMachineList = T.Object({ items: T.Array(ExpiringMachine) });
export type ExpiringMachine = Static<typeof ExpiringMachine>;
