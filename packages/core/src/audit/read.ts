import type { AuditEventView, AuditExportQuery, AuditPage, AuditQuery } from '@overcast/contracts';
import type { Database } from '@overcast/db';
import { resourceNames } from './resource-names';

/** Who may read which events: admins the whole organization's, everybody else only their own. */
export interface AuditReader {
  organizationId: string;
  userId: string;
  all: boolean;
}

type Filters = Omit<AuditQuery, 'limit' | 'before'>;

interface AuditRow {
  id: string;
  created_at: Date;
  actor_user_id: string | null;
  actor_token_id: string | null;
  actor_label: string;
  action: string;
  resource_kind: string | null;
  resource_id: string | null;
  result: string;
  ip: string;
  user_agent: string;
  request_id: string;
  details: Record<string, unknown>;
}

const toView = (r: AuditRow, resourceName: string | null): AuditEventView => ({
  id: String(r.id),
  createdAt: r.created_at.toISOString(),
  actorUserId: r.actor_user_id,
  actorTokenId: r.actor_token_id,
  actorLabel: r.actor_label,
  action: r.action,
  resourceKind: r.resource_kind,
  resourceId: r.resource_id,
  resourceName,
  result: r.result,
  ip: r.ip,
  userAgent: r.user_agent,
  requestId: r.request_id,
  details: r.details ?? {},
});

function whereOf(reader: AuditReader, f: Filters, params: unknown[]): string {
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const where = [`organization_id = ${p(reader.organizationId)}::uuid`];
  if (!reader.all) where.push(`actor_user_id = ${p(reader.userId)}::uuid`);
  if (f.user) where.push(`actor_user_id = ${p(f.user)}::uuid`);
  if (f.resource) {
    const r = p(f.resource);
    where.push(`(resource_id = ${r} OR resource_kind = ${r})`);
  }
  if (f.action) {
    if (f.action.endsWith('.')) where.push(`starts_with(action, ${p(f.action)})`);
    else where.push(`action = ${p(f.action)}`);
  }
  if (f.result) where.push(`result = ${p(f.result)}::"AuditResult"`);
  if (f.from) where.push(`created_at >= ${p(f.from)}::timestamptz`);
  if (f.to) where.push(`created_at < ${p(f.to)}::timestamptz`);
  return where.join(' AND ');
}

// Ids leave as text (they are bigints), so ordering must name the column itself,
// audit_events.id: a bare "id" would sort by the text alias (9 after 10).
const COLUMNS = `id::text AS id, created_at, actor_user_id, actor_token_id, actor_label, action, resource_kind,
  resource_id, result::text AS result, ip, user_agent, request_id, details`;

async function viewsOf(db: Database, reader: AuditReader, rows: AuditRow[]): Promise<AuditEventView[]> {
  const names = await resourceNames(
    db,
    reader.organizationId,
    rows.map((r) => ({ resourceKind: r.resource_kind, resourceId: r.resource_id, details: r.details ?? {} })),
  );
  return rows.map((r, i) => toView(r, names[i] ?? null));
}

/** One page of events, newest first; `before` pages back by id. */
export async function queryAudit(db: Database, reader: AuditReader, q: AuditQuery): Promise<AuditPage> {
  const params: unknown[] = [];
  let where = whereOf(reader, q, params);
  if (q.before) {
    params.push(q.before);
    where += ` AND id < $${params.length}::bigint`;
  }
  const limit = q.limit ?? 100;
  const { rows } = await db.pool.query<AuditRow>(
    `SELECT ${COLUMNS} FROM audit_events WHERE ${where} ORDER BY audit_events.id DESC LIMIT ${limit + 1}`,
    params,
  );
  const items = await viewsOf(db, reader, rows.slice(0, limit));
  return { items, nextBefore: rows.length > limit ? (items[items.length - 1]?.id ?? null) : null };
}

const CSV_COLUMNS = [
  'id',
  'createdAt',
  'actorLabel',
  'actorUserId',
  'actorTokenId',
  'action',
  'resourceKind',
  'resourceId',
  'resourceName',
  'result',
  'ip',
  'userAgent',
  'requestId',
  'details',
] as const;

/** RFC 4180 quoting; a leading = + - @ is defused so spreadsheets do not run it as a formula. */
function csvCell(value: unknown): string {
  let s =
    value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

const EXPORT_PAGE = 1000;

/** Every matching event, oldest first, as CSV or JSON lines, a page at a time. */
export async function* exportAudit(
  db: Database,
  reader: AuditReader,
  q: AuditExportQuery,
): AsyncGenerator<string> {
  const { format, ...filters } = q;
  if (format === 'csv') yield `${CSV_COLUMNS.join(',')}\r\n`;
  let after = '0';
  for (;;) {
    const params: unknown[] = [];
    const where = whereOf(reader, filters, params);
    params.push(after);
    const { rows } = await db.pool.query<AuditRow>(
      `SELECT ${COLUMNS} FROM audit_events WHERE ${where} AND id > $${params.length}::bigint
       ORDER BY audit_events.id ASC LIMIT ${EXPORT_PAGE}`,
      params,
    );
    if (rows.length === 0) return;
    let chunk = '';
    for (const v of await viewsOf(db, reader, rows)) {
      chunk +=
        format === 'csv'
          ? `${CSV_COLUMNS.map((c) => csvCell(v[c])).join(',')}\r\n`
          : `${JSON.stringify(v)}\n`;
    }
    yield chunk;
    after = rows[rows.length - 1]!.id;
    if (rows.length < EXPORT_PAGE) return;
  }
}
