import { isChatKind, type RuleAction, type RuleTarget } from '@overcast/contracts';
import type { Database } from '@overcast/db';
import { DomainError } from '../errors';

const invalid = (message: string) => new DomainError('invalid', 'validation_failed', message);

/** Ids in a target must name the organization's own machines and clouds (another org's id is unknown). */
export async function checkTargetRefs(
  db: Database,
  organizationId: string,
  target: RuleTarget,
  field: string,
): Promise<void> {
  if (target.kind === 'machines') {
    const ids = [...new Set(target.machineIds)];
    const found = await db.prisma.machine.findMany({
      where: { id: { in: ids }, organizationId },
      select: { id: true },
    });
    const missing = ids.filter((id) => !found.some((m) => m.id === id));
    if (missing.length) throw invalid(`${field}.machineIds: no machine ${missing[0]} in your organization.`);
  }
  if (target.kind === 'cloud') {
    const ids = [...new Set(target.cloudIds)];
    const found = await db.prisma.cloud.findMany({
      where: { id: { in: ids }, organizationId },
      select: { id: true },
    });
    const missing = ids.filter((id) => !found.some((c) => c.id === id));
    if (missing.length) throw invalid(`${field}.cloudIds: no cloud ${missing[0]} in your organization.`);
  }
}

/** Scripts and channels that actions name must be the organization's own. */
export async function checkActionRefs(
  db: Database,
  organizationId: string,
  actions: RuleAction[],
): Promise<void> {
  for (const [i, action] of actions.entries()) {
    const field = `body.actions[${i}]`;
    if (action.kind === 'script') {
      const script = await db.prisma.script.findFirst({ where: { id: action.scriptId, organizationId } });
      if (!script) throw invalid(`${field}.scriptId: no script ${action.scriptId} in your organization.`);
    }
    if (
      (action.kind === 'email' || action.kind === 'webhook' || action.kind === 'chat') &&
      action.channelId
    ) {
      const channel = await db.prisma.notificationChannel.findFirst({
        where: { id: action.channelId, organizationId },
      });
      if (!channel)
        throw invalid(
          `${field}.channelId: no notification channel ${action.channelId} in your organization.`,
        );
      if (action.kind === 'chat' ? !isChatKind(channel.kind) : channel.kind !== action.kind)
        throw invalid(
          `${field}.channelId: "${channel.name}" is a ${channel.kind} channel, not ${action.kind}.`,
        );
    }
  }
}
