import { type MachineListQuery, type MachinePage, parseTag } from '@overcast/contracts';
import type { Database } from '@overcast/db';
import { type Principal, policyFilter } from '../authz';
import { DomainError } from '../errors';
import { cachedTotal } from './list-totals';
import { machineTagCondition } from './tag-match';
import { MACHINE_VIEW_COLUMNS, type MachineRow, toMachine } from './view';

// Sort keys map to expressions that are never NULL, so keyset pagination compares cleanly.
const SORTS: Record<string, { expr: string; cast: string }> = {
  name: { expr: 'm.name', cast: 'text' },
  state: { expr: 'm.state::text', cast: 'text' },
  cloud: { expr: 'c.title', cast: 'text' },
  size: { expr: "coalesce(m.size, '')", cast: 'text' },
  location: { expr: "coalesce(m.location, '')", cast: 'text' },
  launchedAt: { expr: "coalesce(m.launched_at, '-infinity'::timestamptz)", cast: 'timestamptz' },
  cost: { expr: 'coalesce(m.cost_monthly, -1)', cast: 'numeric' },
  createdAt: { expr: 'm.created_at', cast: 'timestamptz' },
};

interface Cursor {
  v: string;
  id: string;
}

const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');

function decodeCursor(raw: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Cursor;
    if (typeof c.v === 'string' && typeof c.id === 'string' && /^[0-9a-f-]{36}$/.test(c.id)) return c;
  } catch {
    // fall through
  }
  throw new DomainError(
    'invalid',
    'invalid_cursor',
    'The cursor is not one this API returned; start again without it.',
  );
}

export const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Machines across all the organization's clouds: filters, sort, cursor pagination, total. */
export async function listMachines(
  db: Database,
  organizationId: string,
  q: MachineListQuery,
  /** The caller: their team policies filter the list, and `owner=me` means them. */
  caller?: Principal & { userId: string },
): Promise<MachinePage> {
  const params: unknown[] = [organizationId];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const where = ['m.organization_id = $1'];
  if (caller) {
    const allowed = policyFilter({ ...caller, organizationId }, 'machines', 'read', 'm', p);
    if (allowed) where.push(allowed);
    if (q.owner === 'me') where.push(`m.created_by_id = ${p(caller.userId)}::uuid`);
  }
  if (q.cloud) where.push(`m.cloud_id = ${p(q.cloud)}`);
  // Terminated machines are history: listed only when asked for.
  if (q.state) where.push(`m.state = ${p(q.state)}::"MachineState"`);
  else where.push(`m.state <> 'terminated'`);
  if (q.provider) where.push(`c.provider::text = ${p(q.provider)}`);
  if (q.tag) {
    const { key, value } = parseTag(q.tag);
    where.push(machineTagCondition(key, value, p));
  }
  if (q.q) {
    const like = p(`%${escapeLike(q.q)}%`);
    where.push(
      `(m.name ILIKE ${like} OR m.external_id ILIKE ${like} OR array_to_string(m.public_ips || m.private_ips, ' ') ILIKE ${like})`,
    );
  }
  const filter = where.join(' AND ');
  const sortKey = (q.sort ?? 'name').replace(/^-/, '');
  const desc = (q.sort ?? '').startsWith('-');
  const sort = SORTS[sortKey]!;
  // The page query takes the filter's parameters plus the cursor's; the count takes only the filter's.
  const pageParams = [...params];
  const pageWhere = [filter];
  if (q.cursor) {
    const c = decodeCursor(q.cursor);
    pageParams.push(c.v, c.id);
    const n = pageParams.length;
    pageWhere.push(`(${sort.expr}, m.id) ${desc ? '<' : '>'} ($${n - 1}::${sort.cast}, $${n}::uuid)`);
  }
  const limit = q.limit ?? 100;
  const dir = desc ? 'DESC' : 'ASC';
  const [page, total] = await Promise.all([
    db.pool.query<MachineRow & { sort_value: string }>(
      `SELECT ${MACHINE_VIEW_COLUMNS}, (${sort.expr})::text AS sort_value
       FROM machines m JOIN clouds c ON c.id = m.cloud_id
       WHERE ${pageWhere.join(' AND ')}
       ORDER BY ${sort.expr} ${dir}, m.id ${dir} LIMIT ${limit + 1}`,
      pageParams,
    ),
    cachedTotal(
      db,
      `SELECT count(*)::int AS n FROM machines m JOIN clouds c ON c.id = m.cloud_id WHERE ${filter}`,
      params,
    ),
  ]);
  const rows = page.rows.slice(0, limit);
  const last = rows[rows.length - 1];
  return {
    items: rows.map(toMachine),
    nextCursor: page.rows.length > limit && last ? encodeCursor({ v: last.sort_value, id: last.id }) : null,
    total,
  };
}
