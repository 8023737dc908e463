import type { Database, Role } from '@overcast/db';
import pg from 'pg';
import { type Policy, parsePolicies, policiesSubquery } from '../authz/policy';

/**
 * Whose access changed, as announced on ACCESS_CHANNEL. The database announces every change it
 * stores (migration 20261203020000_access_changes): a session or token revoked or deleted, a member
 * removed or given another role, a team joined or left, a team's policies replaced, an
 * organization deleted. The payload only says whom to re-check; what is left is read back.
 */
export type AccessChange =
  | { sessionId: string }
  | { tokenId: string }
  | { organizationId: string; userId: string }
  | { organizationId: string; teamId: string }
  | { organizationId: string }
  | { userId: string };

export const ACCESS_CHANNEL = 'overcast_access';

/**
 * Announces a change of access that no stored row shows (the stored ones announce themselves):
 * every api process re-checks the open sockets it covers and closes those whose access ended.
 * Inside a transaction the announcement goes out on commit, and not at all on rollback.
 */
export async function announceAccessChange(
  db: Pick<Database, 'pool'> | pg.PoolClient,
  change: AccessChange,
): Promise<void> {
  const client = 'pool' in db ? db.pool : db;
  await client.query('SELECT pg_notify($1, $2)', [ACCESS_CHANNEL, JSON.stringify(change)]);
}

/** Whom a long-lived connection acts for: the user, organization and credential that opened it. */
export interface AccessHolder {
  userId: string;
  organizationId: string;
  sessionId?: string;
  tokenId?: string;
}

export type CurrentAccess =
  | { ok: true; role: Role; policies: Policy[]; expiresAt: Date | null }
  | { ok: false; reason: string };

interface AccessRow {
  org_exists: boolean;
  role: Role | null;
  policies: unknown;
  session_found: boolean;
  session_user: string | null;
  session_revoked: Date | null;
  session_expires: Date | null;
  token_found: boolean;
  token_user: string | null;
  token_org: string | null;
  token_revoked: Date | null;
  token_expires: Date | null;
}

/**
 * What access a holder has now, read like a request's session or token is, or in words why it
 * ended ("removed from the organization"). Sockets call it when they open and on every change
 * announced for them.
 */
export async function currentAccess(db: Database, holder: AccessHolder): Promise<CurrentAccess> {
  const { rows } = await db.pool.query<AccessRow>(
    `SELECT o.id IS NOT NULL AS org_exists, m.role,
            ${policiesSubquery('x.user_id', 'x.org_id')} AS policies,
            s.id IS NOT NULL AS session_found, s.user_id AS session_user, s.revoked_at AS session_revoked,
            s.expires_at AS session_expires,
            t.id IS NOT NULL AS token_found, t.user_id AS token_user, t.organization_id AS token_org,
            t.revoked_at AS token_revoked, t.expires_at AS token_expires
     FROM (SELECT $1::uuid AS user_id, $2::uuid AS org_id) x
     LEFT JOIN organizations o ON o.id = x.org_id
     LEFT JOIN memberships m ON m.organization_id = x.org_id AND m.user_id = x.user_id
     LEFT JOIN sessions s ON s.id = $3::uuid
     LEFT JOIN api_tokens t ON t.id = $4::uuid`,
    [holder.userId, holder.organizationId, holder.sessionId ?? null, holder.tokenId ?? null],
  );
  const r = rows[0]!;
  const now = Date.now();
  if (!r.org_exists) return { ok: false, reason: 'the organization was deleted' };
  if (!r.role) return { ok: false, reason: 'removed from the organization' };
  let expiresAt: Date | null = null;
  if (holder.sessionId) {
    if (!r.session_found || r.session_revoked || r.session_user !== holder.userId)
      return { ok: false, reason: 'this session was signed out' };
    if (r.session_expires && r.session_expires.getTime() <= now)
      return { ok: false, reason: 'this session expired; log in again' };
    expiresAt = r.session_expires;
  }
  if (holder.tokenId) {
    if (
      !r.token_found ||
      r.token_revoked ||
      r.token_user !== holder.userId ||
      (r.token_org && r.token_org !== holder.organizationId)
    )
      return { ok: false, reason: 'the API token was revoked' };
    if (r.token_expires && r.token_expires.getTime() <= now)
      return { ok: false, reason: 'the API token expired' };
    expiresAt = r.token_expires;
  }
  return { ok: true, role: r.role, policies: parsePolicies(r.policies), expiresAt };
}

/** The users a team's policy change concerns. */
export async function teamUserIds(db: Database, teamId: string): Promise<string[]> {
  const { rows } = await db.pool.query<{ user_id: string }>(
    'SELECT user_id FROM team_members WHERE team_id = $1',
    [teamId],
  );
  return rows.map((r) => r.user_id);
}

/** Whether an announced change may concern a holder (a team change is resolved to its members first). */
export function changeCovers(
  change: AccessChange,
  holder: AccessHolder,
  teamUsers?: ReadonlySet<string>,
): boolean {
  if ('sessionId' in change) return holder.sessionId === change.sessionId;
  if ('tokenId' in change) return holder.tokenId === change.tokenId;
  if ('organizationId' in change && change.organizationId !== holder.organizationId) return false;
  if ('teamId' in change) return teamUsers?.has(holder.userId) ?? true;
  if ('userId' in change) return change.userId === holder.userId;
  return true;
}

export function parseAccessChange(payload: string): AccessChange | null {
  try {
    const v = JSON.parse(payload) as Record<string, unknown>;
    if (!v || typeof v !== 'object') return null;
    const ok = Object.values(v).every((x) => typeof x === 'string');
    return ok && Object.keys(v).length > 0 ? (v as AccessChange) : null;
  } catch {
    return null;
  }
}

export interface AccessListener {
  /** Settles once the first attempt to listen has finished (whether or not it succeeded). */
  ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * Listens for announced access changes on a connection of its own (LISTEN holds it). After a lost
 * connection it reconnects and calls `resynced`, since changes made meanwhile were not heard.
 */
export function listenForAccessChanges(
  databaseUrl: string,
  handlers: {
    changed(change: AccessChange): void;
    resynced(): void;
    error?(err: Error): void;
  },
): AccessListener {
  let client: pg.Client | null = null;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let connectedBefore = false;

  const connect = async () => {
    if (closed) return;
    const c = new pg.Client({ connectionString: databaseUrl, application_name: 'overcast-access' });
    client = c;
    c.on('notification', (msg) => {
      if (msg.channel !== ACCESS_CHANNEL || !msg.payload) return;
      const change = parseAccessChange(msg.payload);
      if (change) handlers.changed(change);
    });
    c.on('error', (err) => {
      handlers.error?.(err);
      retry(c);
    });
    c.on('end', () => retry(c));
    try {
      await c.connect();
      await c.query(`LISTEN ${ACCESS_CHANNEL}`);
      if (connectedBefore) handlers.resynced();
      connectedBefore = true;
    } catch (err) {
      handlers.error?.(err as Error);
      retry(c);
    }
  };
  const retry = (c: pg.Client) => {
    if (closed || client !== c) return;
    client = null;
    c.end().catch(() => {});
    timer = setTimeout(() => void connect(), 1_000);
  };
  const ready = connect();
  return {
    ready,
    async close() {
      closed = true;
      clearTimeout(timer);
      const c = client;
      client = null;
      await c?.end().catch(() => {});
    },
  };
}
