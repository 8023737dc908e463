import type { Database } from '@overcast/db';

export type AuditResult = 'success' | 'failure' | 'denied';

/** Who did something and from where; built once per request by the api, or by a job. */
export interface Actor {
  organizationId: string | null;
  userId?: string | null;
  tokenId?: string | null;
  /** What a person reads in the Activity page: an email, "worker", "schedule: nightly stop"... */
  label: string;
  ip?: string;
  userAgent?: string;
  requestId?: string;
}

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
