import type {
  MachineMonitoring,
  MachineMonitoringRequest,
  MetricName,
  RuleTarget,
} from '@overcast/contracts';
import type { Database } from '@overcast/db';
import type { Runtime } from '@overcast/runtime';
import { type OrgActor, recordAudit } from '../audit';
import { type Principal, policyFilter } from '../authz';
import { DomainError } from '../errors';
import { assertOutboundAllowed, outboundRules } from '../outbound';
import { repos } from '../repositories';
import { checkTargetRefs } from '../rules/refs';
import { targetMachineIds } from '../rules/targets';

/** Whether and how a machine is monitored, with its latest readings. */
export async function machineMonitoringView(
  db: Database,
  organizationId: string,
  machineId: string,
): Promise<MachineMonitoring> {
  const machine = await repos(db).machines.getInOrg(organizationId, machineId);
  // The latest reading of each metric and series from the last two intervals' worth of data.
  const res = await db.pool.query<{ metric: string; series: string; value: number; time: Date }>(
    `SELECT DISTINCT ON (metric, series) metric, series, value, time
       FROM metric_samples
      WHERE machine_id = $1 AND organization_id = $2 AND time > now() - interval '1 day'
      ORDER BY metric, series, time DESC`,
    [machine.id, organizationId],
  );
  const last = res.rows.reduce<Date | null>((a, r) => (!a || r.time > a ? r.time : a), null);
  return {
    enabled: machine.monitoringEnabled,
    method: machine.monitoringMethod as MachineMonitoring['method'],
    nodeExporterUrl: machine.nodeExporterUrl,
    lastSampleAt: last?.toISOString() ?? null,
    lastError: machine.monitoringEnabled ? machine.monitoringError : null,
    latest: res.rows.map((r) => ({ metric: r.metric as MetricName, series: r.series, value: r.value })),
  };
}

export async function setMachineMonitoring(
  runtime: Pick<Runtime, 'db' | 'settings'>,
  actor: OrgActor,
  machineId: string,
  input: MachineMonitoringRequest,
): Promise<MachineMonitoring> {
  const { db } = runtime;
  const machine = await repos(db).machines.getInOrg(actor.organizationId, machineId);
  const method = input.method ?? machine.monitoringMethod;
  const url = input.nodeExporterUrl === undefined ? machine.nodeExporterUrl : input.nodeExporterUrl;
  if (input.enabled && method === 'node_exporter' && !url) {
    throw new DomainError(
      'invalid',
      'validation_failed',
      'body.nodeExporterUrl is needed to scrape node_exporter, e.g. "http://10.0.0.5:9100/metrics".',
    );
  }
  // Scraped every minute and its readings shown: only where the outbound guard lets requests go.
  if (input.nodeExporterUrl) {
    await assertOutboundAllowed(input.nodeExporterUrl, {
      purpose: 'node_exporter',
      rules: outboundRules(runtime.settings),
    });
  }
  await db.prisma.machine.update({
    where: { id: machine.id },
    data: {
      monitoringEnabled: input.enabled,
      monitoringError: null,
      ...(input.enabled && !machine.monitoringEnabled ? { monitoringSince: new Date() } : {}),
      monitoringMethod: method,
      nodeExporterUrl: url,
    },
  });
  await recordAudit(db, actor, {
    action: input.enabled ? 'machine.monitoring.enable' : 'machine.monitoring.disable',
    resourceKind: 'machine',
    resourceId: machine.id,
    details: { name: machine.name, method },
  });
  return machineMonitoringView(db, actor.organizationId, machine.id);
}

/** Turns monitoring on or off for every machine a target picks (e.g. all machines tagged env=prod). */
export async function setMonitoringForTarget(
  db: Database,
  actor: OrgActor,
  target: RuleTarget,
  enabled: boolean,
  /** Team policies: only machines the caller may edit are changed. */
  caller?: Principal,
): Promise<{ machines: number }> {
  await checkTargetRefs(db, actor.organizationId, target, 'body.target');
  let ids = await targetMachineIds(db, actor.organizationId, target);
  if (caller) ids = await editableMachines(db, actor.organizationId, caller, ids);
  // Only machines whose setting changes: "no data" counts from when monitoring was turned on.
  const res = await db.prisma.machine.updateMany({
    where: { id: { in: ids }, organizationId: actor.organizationId, monitoringEnabled: !enabled },
    data: { monitoringEnabled: enabled, ...(enabled ? { monitoringSince: new Date() } : {}) },
  });
  await recordAudit(db, actor, {
    action: enabled ? 'machine.monitoring.enable' : 'machine.monitoring.disable',
    resourceKind: 'machine',
    details: { target, machines: res.count },
  });
  return { machines: res.count };
}

async function editableMachines(
  db: Database,
  organizationId: string,
  caller: Principal,
  ids: string[],
): Promise<string[]> {
  const params: unknown[] = [organizationId, ids];
  const filter = policyFilter({ ...caller, organizationId }, 'machines', 'edit', 'm', (v) => {
    params.push(v);
    return `$${params.length}`;
  });
  if (!filter) return ids;
  const res = await db.pool.query<{ id: string }>(
    `SELECT m.id FROM machines m WHERE m.organization_id = $1 AND m.id = ANY($2::uuid[]) AND ${filter}`,
    params,
  );
  return res.rows.map((r) => r.id);
}
