import type { IncidentListQuery, Incident as IncidentView, TimelineEntry } from '@overcast/contracts';
import type { Database, Incident } from '@overcast/db';
import { allowedIds, mayDo, type Principal } from '../authz';
import { notFound } from '../errors';

async function incidentViews(
  db: Database,
  rows: (Incident & { rule: { name: string } })[],
): Promise<IncidentView[]> {
  const machineIds = [...new Set(rows.map((r) => r.machineId).filter((id): id is string => !!id))];
  const machines = machineIds.length
    ? await db.prisma.machine.findMany({
        where: { id: { in: machineIds } },
        select: { id: true, name: true },
      })
    : [];
  const names = new Map(machines.map((m) => [m.id, m.name]));
  return rows.map((r) => ({
    id: r.id,
    ruleId: r.ruleId,
    ruleName: r.rule.name,
    machineId: r.machineId,
    machineName: r.machineId ? (names.get(r.machineId) ?? null) : null,
    status: r.status as IncidentView['status'],
    value: r.value,
    openedAt: r.openedAt.toISOString(),
    resolvedAt: r.resolvedAt?.toISOString() ?? null,
    acknowledgedAt: r.acknowledgedAt?.toISOString() ?? null,
    acknowledgedBy: r.acknowledgedBy,
    timeline: r.timeline as TimelineEntry[],
  }));
}

/**
 * Incidents, newest first. A caller limited by team policies sees incidents of rules they may read,
 * and of those only the ones about no machine or about a machine they may read.
 */
export async function listIncidents(
  db: Database,
  organizationId: string,
  query: IncidentListQuery,
  caller?: Principal,
): Promise<IncidentView[]> {
  const [rules, machines] = caller
    ? await Promise.all([
        allowedIds(db, organizationId, caller, 'rules'),
        allowedIds(db, organizationId, caller, 'machines'),
      ])
    : [null, null];
  const rows = await db.prisma.incident.findMany({
    where: {
      organizationId,
      ...(query.status ? { status: query.status } : {}),
      AND: [
        ...(query.ruleId ? [{ ruleId: query.ruleId }] : []),
        ...(query.machineId ? [{ machineId: query.machineId }] : []),
        ...(rules ? [{ ruleId: { in: rules } }] : []),
        ...(machines ? [{ OR: [{ machineId: null }, { machineId: { in: machines } }] }] : []),
      ],
    },
    include: { rule: { select: { name: true } } },
    orderBy: { openedAt: 'desc' },
    take: query.limit ?? 100,
  });
  return incidentViews(db, rows);
}

/** One incident with its timeline; 404 for a caller who may not read its rule or its machine. */
export async function getIncident(
  db: Database,
  organizationId: string,
  id: string,
  caller?: Principal,
): Promise<IncidentView> {
  const row = await db.prisma.incident.findFirst({
    where: { id, organizationId },
    include: { rule: { select: { name: true } } },
  });
  if (!row) throw notFound('Incident');
  if (caller) {
    const visible =
      (await mayDo(db, organizationId, caller, 'rules', 'read', row.ruleId)) &&
      (!row.machineId || (await mayDo(db, organizationId, caller, 'machines', 'read', row.machineId)));
    if (!visible) throw notFound('Incident');
  }
  return (await incidentViews(db, [row]))[0]!;
}
