import { randomUUID } from 'node:crypto';
import type { RuleAction, RuleCondition, RuleTarget, StreamEvent, TimelineEntry } from '@overcast/contracts';
import type { Database, Rule } from '@overcast/db';
import type { Runtime } from '@overcast/runtime';
import { recordAudit } from '../audit';
import {
  MACHINE_RIGHT_WORDS,
  machinesAllowed,
  notAllowedReason,
  type OnBehalfOf,
  onBehalfOf,
  rightForMachineAction,
} from '../authz';
import { eachLimited } from '../monitoring/collect';
import type { DeliveryResult, NotificationMessage } from '../notifications';
import { type Observation, observe } from './observe';
import { targetMachineIds } from './targets';

/**
 * What a rule's firing does beyond the database: deliver to channels, act on machines, start
 * scripts. The worker wires them to the real notifier, machine actions and script runs (see
 * ruleEffects); a benchmark or test may count them instead.
 */
export interface RuleEffects {
  notifier: {
    deliver(
      organizationId: string,
      message: NotificationMessage,
      filter: { kind?: 'email' | 'webhook' | 'chat'; channelId?: string },
      extra?: Record<string, unknown>,
    ): Promise<DeliveryResult[]>;
  };
  machineAction(
    organizationId: string,
    machineId: string,
    action: 'reboot' | 'stop' | 'destroy',
    ruleName: string,
    by: ActingFor,
  ): Promise<void>;
  /** Starts a script run on the machine (the scripts queue runs it); resolves with the run's id. */
  runScript(
    organizationId: string,
    scriptId: string,
    machineId: string,
    params: Record<string, string>,
    ruleName: string,
    by: ActingFor,
  ): Promise<{ runId: string }>;
  /** Tells the organization's browsers that incidents opened or resolved. */
  announce(organizationId: string, events: IncidentChanged[]): Promise<void>;
}

export type IncidentChanged = Extract<StreamEvent, { type: 'incident.changed' }>;

const incidentChanged = (
  rule: Rule,
  incidentId: string,
  subject: string,
  status: IncidentChanged['status'],
): IncidentChanged => ({
  type: 'incident.changed',
  incidentId,
  ruleId: rule.id,
  machineId: subject || null,
  status,
});

/** What evaluating reads and writes: rules and incidents, the public URL for links, the log. */
export type EvaluatorRuntime = Pick<Runtime, 'db' | 'settings' | 'logger'>;

/** The person a rule's actions run for (who created or last changed it), already checked. */
export interface ActingFor extends OnBehalfOf {
  userId: string | null;
}

/**
 * Who a rule acts for, loaded once per evaluation and only when an action needs it; `lost` keeps
 * why the rule must be turned off (its person left, or may not do what it does).
 */
class RulePerson {
  private loaded: Promise<OnBehalfOf | { left: true }> | null = null;
  lost: string | null = null;
  constructor(
    private readonly db: Database,
    private readonly rule: Rule,
  ) {}
  get(): Promise<OnBehalfOf | { left: true }> {
    this.loaded ??= onBehalfOf(this.db, this.rule.organizationId, this.rule.actingUserId);
    return this.loaded;
  }
}

export interface EvaluationStats {
  rules: number;
  observed: number;
  opened: number;
  resolved: number;
  actionsRun: number;
  cooldownSkipped: number;
}

interface StateRow {
  subject: string;
  consecutive: number;
  last_action_at: Date | null;
}

interface OpenIncident {
  id: string;
  machine_id: string | null;
  timeline: TimelineEntry[];
}

/** Incidents and actions handled at once per rule (each may be an SSH session or a provider call). */
const ACTION_CONCURRENCY = 8;

const entry = (kind: string, message: string, extra: Partial<TimelineEntry> = {}): TimelineEntry => ({
  at: new Date().toISOString(),
  kind,
  message,
  ...extra,
});

/**
 * One evaluation cycle over every enabled rule. Per rule: observe every targeted subject in one
 * query, count consecutive matches, open an incident when the count reaches the rule's N, resolve
 * it when the condition clears. Actions run when an incident opens unless the rule's cooldown for
 * that subject has not passed, so a flapping machine is not rebooted in a loop.
 */
export async function evaluateRules(
  runtime: EvaluatorRuntime,
  effects: RuleEffects,
  now = new Date(),
): Promise<EvaluationStats> {
  const stats: EvaluationStats = {
    rules: 0,
    observed: 0,
    opened: 0,
    resolved: 0,
    actionsRun: 0,
    cooldownSkipped: 0,
  };
  const lock = await runtime.db.pool.connect();
  try {
    // One evaluator at a time across workers: a slow cycle must not overlap the next.
    const got = await lock.query<{ ok: boolean }>(
      "SELECT pg_try_advisory_lock(hashtext('overcast:rules')) AS ok",
    );
    if (!got.rows[0]?.ok) return stats;
    try {
      const rules = await runtime.db.prisma.rule.findMany({ where: { enabled: true } });
      for (const rule of rules) {
        try {
          await evaluateRule(runtime, effects, rule, now, stats);
          stats.rules += 1;
        } catch (err) {
          runtime.logger.warn({ ruleId: rule.id, err: (err as Error).message }, 'rule evaluation failed');
        }
      }
    } finally {
      await lock.query("SELECT pg_advisory_unlock(hashtext('overcast:rules'))");
    }
  } finally {
    lock.release();
  }
  return stats;
}

export async function evaluateRule(
  runtime: EvaluatorRuntime,
  effects: RuleEffects,
  rule: Rule,
  now: Date,
  stats: EvaluationStats,
): Promise<void> {
  const { db } = runtime;
  const condition = rule.condition as RuleCondition;
  const target = rule.target as RuleTarget;
  const observations = await observe(db, rule.organizationId, target, condition, now);
  stats.observed += observations.length;
  const [states, open] = await Promise.all([
    db.pool.query<StateRow>(
      'SELECT subject, consecutive, last_action_at FROM rule_states WHERE rule_id = $1',
      [rule.id],
    ),
    db.pool.query<OpenIncident>(
      "SELECT id, machine_id, timeline FROM incidents WHERE rule_id = $1 AND status = 'open'",
      [rule.id],
    ),
  ]);
  const stateOf = new Map(states.rows.map((s) => [s.subject, s]));
  const openOf = new Map(open.rows.map((i) => [i.machine_id ?? '', i]));
  const needed = condition.kind === 'metric' ? (condition.forEvaluations ?? 1) : 1;

  const changedSubjects: string[] = [];
  const changedCounts: number[] = [];
  const toOpen: { obs: Observation; state?: StateRow }[] = [];
  const toResolve: { obs: Observation; incident: OpenIncident }[] = [];
  for (const obs of observations) {
    const state = stateOf.get(obs.subject);
    const before = state?.consecutive ?? 0;
    const count = obs.match ? Math.min(before + 1, 1_000_000) : 0;
    if (count !== before) {
      changedSubjects.push(obs.subject);
      changedCounts.push(count);
    }
    const incident = openOf.get(obs.subject);
    if (obs.match && count >= needed && !incident) toOpen.push({ obs, state });
    if (!obs.match && incident) toResolve.push({ obs, incident });
  }
  if (changedSubjects.length) {
    await db.pool.query(
      `INSERT INTO rule_states (rule_id, subject, consecutive)
       SELECT $1, s, c FROM unnest($2::text[], $3::int[]) AS u(s, c)
       ON CONFLICT (rule_id, subject) DO UPDATE SET consecutive = excluded.consecutive`,
      [rule.id, changedSubjects, changedCounts],
    );
  }
  // Incidents of machines the rule no longer covers (deleted, untargeted, monitoring off) close
  // quietly. A metric rule does not observe a machine that merely has no samples, so for it the
  // target is asked directly.
  const seen = new Set(observations.map((o) => o.subject));
  let orphans = open.rows.filter((i) => !seen.has(i.machine_id ?? ''));
  if (orphans.length && condition.kind === 'metric') {
    const covered = new Set(await targetMachineIds(db, rule.organizationId, target, { monitoredOnly: true }));
    orphans = orphans.filter((i) => !covered.has(i.machine_id ?? ''));
  }
  for (const i of orphans) {
    toResolve.push({
      obs: { subject: i.machine_id ?? '', match: false, value: null, detail: 'the rule no longer covers it' },
      incident: i,
    });
  }
  if (toOpen.length === 0 && toResolve.length === 0) return;

  const machineIds = [...toOpen, ...toResolve].map((x) => x.obs.subject).filter(Boolean);
  const names = new Map(
    (
      await db.prisma.machine.findMany({
        where: { id: { in: machineIds } },
        select: { id: true, name: true },
      })
    ).map((m) => [m.id, m.name]),
  );
  const subjectName = (subject: string) => (subject ? (names.get(subject) ?? subject) : 'the organization');

  const person = new RulePerson(db, rule);
  if (toOpen.length) await openIncidents(runtime, effects, rule, person, toOpen, subjectName, now, stats);
  if (person.lost) await turnOffRule(db, rule, person.lost);
  await eachLimited(toResolve, ACTION_CONCURRENCY, async ({ obs, incident }) => {
    await resolveIncident(runtime, effects, rule, obs, incident, subjectName(obs.subject), stats);
  });
}

function severityOf(rule: Rule): 'warning' | 'critical' {
  const actions = rule.actions as RuleAction[];
  return actions.some((a) => a.kind === 'machine_action') ? 'critical' : 'warning';
}

async function notifyActions(
  effects: RuleEffects,
  rule: Rule,
  message: NotificationMessage,
  extra: Record<string, unknown>,
): Promise<TimelineEntry[]> {
  const entries: TimelineEntry[] = [];
  for (const action of rule.actions as RuleAction[]) {
    if (action.kind !== 'email' && action.kind !== 'webhook' && action.kind !== 'chat') continue;
    const results = await effects.notifier.deliver(
      rule.organizationId,
      message,
      { kind: action.kind, channelId: action.channelId },
      extra,
    );
    if (results.length === 0) {
      entries.push(
        entry(
          'action',
          `${action.kind}: no enabled ${action.kind} channel to send to; add one in notification settings`,
          {
            ok: false,
          },
        ),
      );
    }
    for (const r of results) {
      entries.push(
        entry(
          'action',
          r.ok
            ? `${r.kind} sent to "${r.channelName}"`
            : `${r.kind} to "${r.channelName}" failed: ${r.error}`,
          {
            ok: r.ok,
          },
        ),
      );
    }
  }
  return entries;
}

/** Pages also refetch on their own, so an announcement that fails is logged, not fatal. */
async function announce(
  runtime: EvaluatorRuntime,
  effects: RuleEffects,
  rule: Rule,
  events: IncidentChanged[],
): Promise<void> {
  if (events.length === 0) return;
  await effects
    .announce(rule.organizationId, events)
    .catch((err) =>
      runtime.logger.warn({ ruleId: rule.id, err: (err as Error).message }, 'incident change not announced'),
    );
}

/** Opens incidents for every subject in one INSERT, runs their actions, then records the results in bulk. */
async function openIncidents(
  runtime: EvaluatorRuntime,
  effects: RuleEffects,
  rule: Rule,
  person: RulePerson,
  items: { obs: Observation; state?: StateRow }[],
  nameOf: (subject: string) => string,
  now: Date,
  stats: EvaluationStats,
): Promise<void> {
  const { db } = runtime;
  const opened = items.map(({ obs, state }) => ({
    id: randomUUID(),
    obs,
    name: nameOf(obs.subject),
    coolUntil: state?.last_action_at ? state.last_action_at.getTime() + rule.cooldownSeconds * 1000 : 0,
  }));
  // Recorded before any action runs, so an action is never taken without an incident to show for it.
  await db.pool.query(
    `INSERT INTO incidents (id, organization_id, rule_id, machine_id, value, consecutive, opened_at, timeline)
     SELECT i, $1, $2, nullif(m, '')::uuid, v, 1, $3, jsonb_build_array(t::jsonb)
       FROM unnest($4::uuid[], $5::text[], $6::float8[], $7::text[]) AS u(i, m, v, t)`,
    [
      rule.organizationId,
      rule.id,
      now,
      opened.map((o) => o.id),
      opened.map((o) => o.obs.subject),
      opened.map((o) => o.obs.value),
      opened.map((o) => JSON.stringify(entry('opened', `${rule.name} fired on ${o.name}: ${o.obs.detail}`))),
    ],
  );
  stats.opened += opened.length;
  await announce(
    runtime,
    effects,
    rule,
    opened.map((o) => incidentChanged(rule, o.id, o.obs.subject, 'open')),
  );
  const results: { id: string; subject: string; entries: TimelineEntry[]; acted: boolean }[] = [];
  await eachLimited(opened, ACTION_CONCURRENCY, async (o) => {
    if (o.coolUntil > now.getTime()) {
      stats.cooldownSkipped += 1;
      const until = new Date(o.coolUntil).toISOString();
      results.push({
        id: o.id,
        subject: o.obs.subject,
        acted: false,
        entries: [entry('note', `Actions not run: the rule's cooldown for ${o.name} lasts until ${until}.`)],
      });
      return;
    }
    stats.actionsRun += 1;
    results.push({
      id: o.id,
      subject: o.obs.subject,
      acted: true,
      entries: await runActions(runtime, effects, rule, person, o.id, o.obs, o.name),
    });
  });
  await db.pool.query(
    `UPDATE incidents i SET timeline = i.timeline || u.t::jsonb, last_action_at = CASE WHEN u.a THEN $1::timestamptz END
       FROM unnest($2::uuid[], $3::text[], $4::bool[]) AS u(id, t, a) WHERE i.id = u.id`,
    [
      now,
      results.map((r) => r.id),
      results.map((r) => JSON.stringify(r.entries)),
      results.map((r) => r.acted),
    ],
  );
  const acted = results.filter((r) => r.acted).map((r) => r.subject);
  if (acted.length) {
    await db.pool.query(
      `INSERT INTO rule_states (rule_id, subject, consecutive, last_action_at)
       SELECT $1, s, 1, $2 FROM unnest($3::text[]) AS u(s)
       ON CONFLICT (rule_id, subject) DO UPDATE SET last_action_at = excluded.last_action_at`,
      [rule.id, now, acted],
    );
  }
}

/** A rule's actions for one new incident; each outcome becomes a timeline entry. */
async function runActions(
  runtime: EvaluatorRuntime,
  effects: RuleEffects,
  rule: Rule,
  person: RulePerson,
  incidentId: string,
  obs: Observation,
  name: string,
): Promise<TimelineEntry[]> {
  const machineId = obs.subject || null;
  const message: NotificationMessage = {
    subject: `${rule.name}: ${name}`,
    text: `${rule.name} fired on ${name}: ${obs.detail}.\n\nIncident: ${runtime.settings.publicUrl}/incidents/${incidentId}`,
    severity: severityOf(rule),
  };
  const extra = { event: 'incident.opened', incidentId, ruleId: rule.id, machineId, value: obs.value };
  const timeline = await notifyActions(effects, rule, message, extra);
  for (const action of rule.actions as RuleAction[]) {
    if (!machineId) continue;
    if (action.kind !== 'machine_action' && action.kind !== 'script') continue;
    // Checked at each firing against the rule's person as they are now.
    const right = action.kind === 'script' ? 'run' : rightForMachineAction(action.action);
    const what = action.kind === 'script' ? 'script' : action.action;
    const who = await person.get();
    if ('left' in who) {
      person.lost =
        'Not allowed: the person it acts for (who created or last changed it) is no longer a member, so it was turned off. Enable it again to make it act for you.';
      timeline.push(entry('action', `${what} on ${name} not run: ${person.lost}`, { ok: false }));
      continue;
    }
    const allowed = await machinesAllowed(runtime.db, rule.organizationId, who.principal, [machineId], right);
    if (!allowed.has(machineId)) {
      // Like a schedule, a rule stays on while its person may still act on some machine it watches.
      const watched = await targetMachineIds(runtime.db, rule.organizationId, rule.target as RuleTarget);
      const any = await machinesAllowed(runtime.db, rule.organizationId, who.principal, watched, right);
      if (any.size === 0) {
        person.lost = `Not allowed: ${who.label} may no longer ${MACHINE_RIGHT_WORDS[right]} any machine it watches, so it was turned off. Enable it again to make it act for you.`;
      }
      timeline.push(
        entry('action', `${what} on ${name} not run: ${notAllowedReason(who.label, right, name)}`, {
          ok: false,
        }),
      );
      continue;
    }
    const by: ActingFor = { ...who, userId: rule.actingUserId };
    if (action.kind === 'machine_action') {
      try {
        await effects.machineAction(rule.organizationId, machineId, action.action, rule.name, by);
        timeline.push(entry('action', `${action.action} of ${name} requested`, { ok: true }));
      } catch (err) {
        timeline.push(
          entry('action', `${action.action} of ${name} failed: ${(err as Error).message}`, { ok: false }),
        );
      }
    }
    if (action.kind === 'script') {
      try {
        // The run is queued, not awaited: a long script never holds up evaluation, and its
        // output and exit code live in the run's record, like any other script run.
        const { runId } = await effects.runScript(
          rule.organizationId,
          action.scriptId,
          machineId,
          action.params ?? {},
          rule.name,
          by,
        );
        timeline.push(entry('action', `script run started on ${name}`, { ok: true, scriptRunId: runId }));
      } catch (err) {
        timeline.push(
          entry('action', `script could not run on ${name}: ${(err as Error).message}`, { ok: false }),
        );
      }
    }
  }
  return timeline;
}

/** Turns a rule off with a reason its page shows; what it had open is closed, saying why. */
async function turnOffRule(db: Database, rule: Rule, reason: string): Promise<void> {
  await db.prisma.$transaction(async (tx) => {
    await tx.rule.update({ where: { id: rule.id }, data: { enabled: false, disabledReason: reason } });
    await tx.$executeRaw`UPDATE incidents SET status = 'resolved', resolved_at = now(),
      timeline = timeline || jsonb_build_array(jsonb_build_object('at', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'kind', 'resolved', 'message', ${`Closed: the rule was turned off. ${reason}`}::text))
      WHERE rule_id = ${rule.id}::uuid AND status = 'open'`;
  });
  await recordAudit(
    db,
    { organizationId: rule.organizationId, label: `rule: ${rule.name}` },
    {
      action: 'rule.disable',
      resourceKind: 'rule',
      resourceId: rule.id,
      result: 'denied',
      details: { name: rule.name, reason },
    },
  );
}

async function resolveIncident(
  runtime: EvaluatorRuntime,
  effects: RuleEffects,
  rule: Rule,
  obs: Observation,
  incident: OpenIncident,
  name: string,
  stats: EvaluationStats,
): Promise<void> {
  const resolvedAt = new Date();
  // Claim it first, so a concurrent evaluation cannot send the resolved notice twice.
  const claimed = await runtime.db.pool.query(
    "UPDATE incidents SET status = 'resolved', resolved_at = $2 WHERE id = $1 AND status = 'open'",
    [incident.id, resolvedAt],
  );
  if (claimed.rowCount === 0) return;
  stats.resolved += 1;
  await announce(runtime, effects, rule, [incidentChanged(rule, incident.id, obs.subject, 'resolved')]);
  const timeline = [entry('resolved', `Resolved: ${obs.detail}.`)];
  timeline.push(
    ...(await notifyActions(
      effects,
      rule,
      {
        subject: `Resolved: ${rule.name}: ${name}`,
        text: `${rule.name} no longer holds on ${name}: ${obs.detail}.\n\nIncident: ${runtime.settings.publicUrl}/incidents/${incident.id}`,
        severity: 'info',
      },
      {
        event: 'incident.resolved',
        incidentId: incident.id,
        ruleId: rule.id,
        machineId: incident.machine_id,
      },
    )),
  );
  await appendTimeline(runtime.db, incident.id, timeline, {});
}

async function appendTimeline(
  db: Database,
  incidentId: string,
  entries: TimelineEntry[],
  fields: { lastActionAt?: Date },
): Promise<void> {
  if (entries.length === 0 && !fields.lastActionAt) return;
  await db.pool.query(
    `UPDATE incidents SET timeline = timeline || $2::jsonb, last_action_at = coalesce($3, last_action_at) WHERE id = $1`,
    [incidentId, JSON.stringify(entries), fields.lastActionAt ?? null],
  );
}
