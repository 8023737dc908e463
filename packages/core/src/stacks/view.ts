import type { StackResourceKind, Stack as StackViewT, TemplateDocument } from '@overcast/contracts';
import type { Database, Stack } from '@overcast/db';
import { allowedIds, type Principal } from '../authz';
import { repos } from '../repositories';

async function stackView(db: Database, stack: Stack): Promise<StackViewT> {
  const [resources, steps] = await Promise.all([
    db.prisma.stackResource.findMany({
      where: { stackId: stack.id },
      orderBy: [{ name: 'asc' }, { index: 'asc' }],
    }),
    db.prisma.stackStep.findMany({ where: { stackId: stack.id }, orderBy: { name: 'asc' } }),
  ]);
  const doc = stack.document as TemplateDocument;
  const machines = doc.resources?.machines ?? {};
  const volumes = doc.resources?.volumes ?? {};
  const counts = Object.fromEntries(Object.entries(machines).map(([k, m]) => [k, m.count ?? 1]));
  // A volume has an instance per instance of its machine.
  for (const [k, v] of Object.entries(volumes)) counts[k] = counts[v.attach] ?? 1;
  const label = (name: string, index: number) =>
    (counts[name] ?? 1) > 1 || index > 0 ? `${name}-${index + 1}` : name;
  return {
    id: stack.id,
    name: stack.name,
    templateId: stack.templateId,
    templateVersion: stack.templateVersion,
    status: stack.status,
    error: stack.error,
    previousVersion: (stack.previous as { version: number } | null)?.version ?? null,
    inputs: stack.inputs as Record<string, string>,
    outputs: stack.outputs as Record<string, string>,
    createdBy: stack.createdByLabel,
    createdAt: stack.createdAt.toISOString(),
    updatedAt: stack.updatedAt.toISOString(),
    resources: resources.map((r) => ({
      id: r.id,
      // A resource an update is removing is no longer counted in the document.
      name: label(r.name, r.index),
      kind: r.kind as StackResourceKind,
      status: r.status,
      cloudId: r.cloudId,
      machineId: r.machineId,
      externalId: r.externalId,
      attachedTo: r.kind === 'volume' && volumes[r.name] ? label(volumes[r.name]!.attach, r.index) : null,
      address: r.address,
      error: r.error,
    })),
    steps: steps.map((s) => ({
      id: s.id,
      name: s.name,
      status: s.status,
      after: doc.steps?.[s.name]?.after ?? [],
      on: doc.steps?.[s.name]?.on ?? [],
      attempt: s.attempt,
      scriptRunId: s.scriptRunId,
      output: s.output,
      error: s.error,
      startedAt: s.startedAt?.toISOString() ?? null,
      finishedAt: s.finishedAt?.toISOString() ?? null,
    })),
  };
}

export async function getStack(db: Database, organizationId: string, id: string): Promise<StackViewT> {
  return stackView(db, await repos(db).stacks.getInOrg(organizationId, id));
}

export async function listStacks(
  db: Database,
  organizationId: string,
  caller?: Principal,
): Promise<StackViewT[]> {
  const only = caller ? await allowedIds(db, organizationId, caller, 'stacks') : null;
  const stacks = await db.prisma.stack.findMany({
    where: { organizationId, ...(only ? { id: { in: only } } : {}) },
    orderBy: { createdAt: 'desc' },
    take: 200,
  });
  return Promise.all(stacks.map((s) => stackView(db, s)));
}
