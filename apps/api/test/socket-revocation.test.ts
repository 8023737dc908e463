import { randomBytes } from 'node:crypto';
import { announceAccessChange } from '@overcast/core/auth';
import type { Role } from '@overcast/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApi, TestUser } from './support/harness';
import { addMember, createOrgWithUser, headersOf, login, send } from './support/harness';
import { connected, openSocket, startTerminalApi, type Terminal } from './support/terminal';

// An open terminal or event stream lives only as long as the access that opened it: every kind of
// revocation closes it within a second, saying why in the close frame.

let api: TestApi;
let owner: TestUser;
let ownerCookie: string;
let base: string;
let machineId: string;
let cloudId: string;

const hex = () => randomBytes(4).toString('hex');
type Credential = { cookie: string } | { bearer: string };

const call = (who: Credential, method: string, url: string, payload?: unknown) =>
  send(api, who, method, url, payload);

type OpenSocket = Terminal;

async function open(who: Credential, path: string): Promise<OpenSocket> {
  const socket = await openSocket(`${base}${path}`, headersOf(who));
  await socket.waitControl(path.endsWith('/shell') ? connected : (c) => c.type === 'hello');
  return socket;
}

const openStream = (who: Credential) => open(who, '/api/v1/stream');
const openTerminal = (who: Credential) => open(who, `/api/v1/machines/${machineId}/shell`);

/** Runs a command in the terminal and waits for its output, proving the terminal works. */
async function runs(term: OpenSocket): Promise<void> {
  const mark = `ok-${hex()}`;
  term.ws.send(Buffer.from(`echo ${mark.slice(0, 3)}''${mark.slice(3)}\n`), { binary: true });
  await expect.poll(() => term.text(), { timeout: 10_000 }).toContain(mark);
}

/** Waits for the socket to close with this close frame; fails if that took over `ms`. */
async function closesWith(
  socket: OpenSocket,
  since: number,
  frame: { code: number; reason?: string },
  ms = 1_000,
) {
  const closed = await Promise.race([
    socket.closed,
    new Promise<null>((r) => setTimeout(() => r(null), ms + 2_000)),
  ]);
  expect(closed, 'the socket is still open').not.toBeNull();
  expect(closed!.at - since).toBeLessThanOrEqual(ms);
  expect(closed).toMatchObject(frame);
}

/** The close frames of access that ended, and of access that no longer allows a terminal. */
const revoked = (why: string) => ({ code: 4401, reason: `Your access was revoked: ${why}` });
const NARROWED = {
  code: 4403,
  reason: 'Your access changed: your role or teams no longer allow a terminal here',
};

/** A new team whose one member is `userId`; sets the team's policies. */
async function teamOf(userId: string) {
  const asOwner = { cookie: ownerCookie };
  const team = (await call(asOwner, 'POST', '/api/v1/teams', { name: `t-${hex()}` })).json();
  await call(asOwner, 'PUT', `/api/v1/teams/${team.id}/members`, { userIds: [userId] });
  return (policies: unknown[]) => call(asOwner, 'PUT', `/api/v1/teams/${team.id}/policies`, { policies });
}

async function member(role: Role = 'member') {
  const m = await addMember(api, owner.organizationId, role);
  return { ...m, who: { cookie: m.cookie } as Credential };
}

let terminalApi: Awaited<ReturnType<typeof startTerminalApi>> | undefined;

beforeAll(async () => {
  terminalApi = await startTerminalApi();
  ({ api, owner, ownerCookie, cloudId, machineId, base } = terminalApi);
});

afterAll(() => terminalApi?.close());

describe('revocation closes open sockets within a second, saying why', () => {
  it('removing a member closes their terminal and stream', async () => {
    const m = await member();
    const [term, stream] = [await openTerminal(m.who), await openStream(m.who)];
    await runs(term);
    const since = Date.now();
    const res = await call({ cookie: ownerCookie }, 'DELETE', `/api/v1/members/${m.userId}`);
    expect(res.statusCode).toBe(204);
    for (const s of [term, stream]) {
      await closesWith(s, since, revoked('removed from the organization'));
    }
    // The SSH session ended with it, and the history says why.
    await expect
      .poll(() =>
        api.db.prisma.shellSession.findFirst({
          where: { machineId, userId: m.userId },
          select: { endReason: true },
        }),
      )
      .toEqual({ endReason: 'access_revoked' });
  });

  it('revoking the API token that opened them closes its terminal and stream, not the session’s', async () => {
    const m = await member();
    const created = await call(m.who, 'POST', '/api/v1/me/tokens', { name: 'ci', scope: 'full' });
    expect(created.statusCode).toBe(201);
    const bearer = { bearer: created.json().token as string };
    const [term, stream, viaSession] = [
      await openTerminal(bearer),
      await openStream(bearer),
      await openStream(m.who),
    ];
    await runs(term);
    const since = Date.now();
    const res = await call(m.who, 'DELETE', `/api/v1/me/tokens/${created.json().apiToken.id}`);
    expect(res.statusCode).toBe(204);
    for (const s of [term, stream]) {
      await closesWith(s, since, revoked('the API token was revoked'));
    }
    expect(viaSession.isOpen()).toBe(true);
    viaSession.ws.close();
  });

  it('logging out everywhere closes every socket of the user’s sessions', async () => {
    const m = await member();
    const other = await login(api, m);
    const [term, stream, elsewhere] = [
      await openTerminal(m.who),
      await openStream(m.who),
      await openStream({ cookie: other }),
    ];
    const since = Date.now();
    const res = await call(m.who, 'POST', '/api/v1/me/sessions/revoke-all');
    expect(res.statusCode).toBe(200);
    for (const s of [term, stream, elsewhere]) {
      await closesWith(s, since, revoked('this session was signed out'));
    }
  });

  it('ending one session (from the session list, or by logging out) closes that session’s sockets only', async () => {
    const m = await member();
    const other = await login(api, m);
    const [mine, theirs] = [await openStream(m.who), await openStream({ cookie: other })];
    const sessions = (await call(m.who, 'GET', '/api/v1/me/sessions')).json().items as {
      id: string;
      current: boolean;
    }[];
    const otherSession = sessions.find((s) => !s.current)!;
    let since = Date.now();
    expect((await call(m.who, 'DELETE', `/api/v1/me/sessions/${otherSession.id}`)).statusCode).toBe(204);
    await closesWith(theirs, since, { code: 4401 });
    expect(mine.isOpen()).toBe(true);
    const term = await openTerminal(m.who);
    since = Date.now();
    expect((await call(m.who, 'POST', '/api/v1/auth/logout')).statusCode).toBeLessThan(300);
    for (const s of [mine, term]) {
      await closesWith(s, since, revoked('this session was signed out'));
    }
  });

  it('a session reaching its expiry closes its sockets then', async () => {
    const m = await member();
    const stream = await openStream(m.who);
    const session = await api.db.prisma.session.findFirstOrThrow({
      where: { userId: m.userId },
      orderBy: { createdAt: 'desc' },
    });
    const expiresAt = Date.now() + 700;
    await api.db.prisma.session.update({
      where: { id: session.id },
      data: { expiresAt: new Date(expiresAt) },
    });
    await closesWith(stream, expiresAt, revoked('this session expired; log in again'));
  });

  it('a role change closes a terminal the new role may not have; the stream stays and follows the role', async () => {
    const m = await member();
    const [term, stream] = [await openTerminal(m.who), await openStream(m.who)];
    await runs(term);
    const since = Date.now();
    const res = await call({ cookie: ownerCookie }, 'PATCH', `/api/v1/members/${m.userId}`, {
      role: 'viewer',
    });
    expect(res.statusCode).toBe(204);
    await closesWith(term, since, NARROWED);
    await new Promise((r) => setTimeout(r, 200));
    expect(stream.isOpen()).toBe(true);
    stream.ws.close();
  });

  it('a team policy that takes away the terminal closes it; one that keeps it does not', async () => {
    const m = await member();
    const setPolicies = await teamOf(m.userId);
    expect(
      (await setPolicies([{ effect: 'allow', action: '*', kind: '*', cloudIds: [cloudId] }])).statusCode,
    ).toBe(200);
    const term = await openTerminal(m.who);
    await runs(term);
    // Still allowed: the terminal stays.
    await setPolicies([
      { effect: 'allow', action: '*', kind: '*' },
      { effect: 'deny', action: 'delete', kind: 'machines' },
    ]);
    await new Promise((r) => setTimeout(r, 300));
    expect(term.isOpen()).toBe(true);
    await runs(term);
    const since = Date.now();
    await setPolicies([
      { effect: 'allow', action: '*', kind: '*' },
      { effect: 'deny', action: 'shell', kind: 'machines', cloudIds: [cloudId] },
    ]);
    await closesWith(term, since, NARROWED);
  });

  it('tagging the machine so a policy no longer covers it closes the terminal on it', async () => {
    const m = await member();
    const setPolicies = await teamOf(m.userId);
    await setPolicies([
      { effect: 'allow', action: '*', kind: '*' },
      { effect: 'deny', action: 'shell', kind: 'machines', tags: { frozen: '' } },
    ]);
    const term = await openTerminal(m.who);
    await runs(term);
    const since = Date.now();
    const tagged = await call({ cookie: ownerCookie }, 'POST', `/api/v1/machines/${machineId}/tags`, {
      tags: { frozen: 'yes' },
    });
    expect(tagged.statusCode).toBeLessThan(300);
    await closesWith(term, since, NARROWED);
    await api.db.prisma.tag.deleteMany({ where: { resourceId: machineId, key: 'frozen' } });
  });

  it('announceAccessChange re-checks sockets for a change no stored row announces', async () => {
    const m = await member();
    const stream = await openStream(m.who);
    // The row changes with triggers off, as if by a path the database does not watch.
    const client = await api.db.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query("SET LOCAL session_replication_role = 'replica'");
      await client.query('DELETE FROM memberships WHERE organization_id = $1 AND user_id = $2', [
        owner.organizationId,
        m.userId,
      ]);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(stream.isOpen()).toBe(true);
    const since = Date.now();
    await announceAccessChange(api.db, { organizationId: owner.organizationId, userId: m.userId });
    await closesWith(stream, since, revoked('removed from the organization'));
  });

  it('a revocation made while the api’s listening connection was down still closes the socket', async () => {
    const m = await member();
    const stream = await openStream(m.who);
    await api.db.pool.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE application_name = 'overcast-access' AND datname = current_database()`,
    );
    const since = Date.now();
    await call({ cookie: ownerCookie }, 'DELETE', `/api/v1/members/${m.userId}`);
    // Heard at once, or on reconnecting (after a second) by re-checking every socket.
    await closesWith(stream, since, { code: 4401 }, 3_000);
  });

  it('deleting an organization closes every socket opened in it', async () => {
    const other = await createOrgWithUser(api.db);
    const cookie = await login(api, other);
    const stream = await openStream({ cookie });
    const since = Date.now();
    await api.db.prisma.organization.delete({ where: { id: other.organizationId } });
    await closesWith(stream, since, revoked('the organization was deleted'));
  });
});
