import type { Database } from '@overcast/db';
import type { Actor } from '../actor';

export type AuditResult = 'success' | 'failure' | 'denied';

export interface AuditEntry {
  action: string;
  resourceKind?: string;
  resourceId?: string;
  result?: AuditResult;
  details?: Record<string, unknown>;
}

/** Appends one event to the audit trail. The table refuses updates and deletes. */
export async function recordAudit(db: Database, actor: Actor, entry: AuditEntry): Promise<void> {
  await db.prisma.auditEvent.create({
    data: {
      organizationId: actor.organizationId,
      actorUserId: actor.userId ?? null,
      actorTokenId: actor.tokenId ?? null,
      actorLabel: actor.label,
      action: entry.action,
      resourceKind: entry.resourceKind ?? null,
      resourceId: entry.resourceId ?? null,
      result: entry.result ?? 'success',
      ip: actor.ip ?? '',
      userAgent: (actor.userAgent ?? '').slice(0, 512),
      requestId: actor.requestId ?? '',
      details: (entry.details ?? {}) as object,
    },
  });
}
