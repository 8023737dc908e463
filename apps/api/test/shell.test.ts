import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sealCredentials } from '@overcast/core/clouds';
import { cleanupRecordings, openSshConnections, parseCast } from '@overcast/core/terminal';
import type { Role } from '@overcast/db';
import { generateKeyPair } from '@overcast/ssh';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type SshdHandle, startSshd } from '../../../test/support/sshd';
import type { TestApi, TestUser } from './support/harness';
import {
  memberCookie as addMember,
  createOrgWithUser,
  listenForSockets,
  login,
  reachedAt,
  seedCloud,
  seedMachine,
  sshMachine,
  startOrgApi,
} from './support/harness';

let api: TestApi;
let sshd: SshdHandle;
let owner: TestUser;
let ownerCookie: string;
let memberCookie: string;
let viewerCookie: string;
let machineId: string;
let cloudId: string;
let base: string;
const recordings = mkdtempSync(join(tmpdir(), 'overcast-recordings-'));

const addUser = (organizationId: string, role: Role) => addMember(api, organizationId, role);

/** Another machine on the test sshd. */
const addMachine = (
  organizationId: string,
  cloudId: string,
  fields: { name?: string; sshUser?: string | null } = {},
) => seedMachine(api.db, organizationId, { cloudId, ...reachedAt(sshd), ...fields });

const addCloud = async (organizationId: string) =>
  (await seedCloud(api.db, organizationId, { provider: 'digitalocean' })).id;

interface Control {
  type: string;
  state?: string;
  code?: string;
  message?: string;
  reason?: string;
  sessionId?: string;
  hostKey?: { algorithm: string; fingerprint: string; firstUse: boolean };
  expectedFingerprint?: string;
  actualFingerprint?: string;
}

interface Terminal {
  ws: WebSocket;
  bytes(): Buffer;
  text(): string;
  controls: Control[];
  closed: Promise<void>;
  type(s: string): void;
  send(message: unknown): void;
  waitFor(pattern: RegExp): Promise<void>;
  waitControl(match: (c: Control) => boolean): Promise<Control>;
}

async function openTerminal(cookie: string, id = machineId, query = ''): Promise<Terminal> {
  const chunks: Buffer[] = [];
  const controls: Control[] = [];
  let closedResolve: () => void = () => {};
  const closed = new Promise<void>((r) => {
    closedResolve = r;
  });
  const ws = new WebSocket(`${base}/api/v1/machines/${id}/shell${query}`, {
    headers: cookie ? { cookie } : {},
  });
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (isBinary) chunks.push(Buffer.from(data));
    else controls.push(JSON.parse(data.toString()) as Control);
  });
  ws.on('close', () => closedResolve());
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const bytes = () => Buffer.concat(chunks);
  return {
    ws,
    bytes,
    text: () => bytes().toString('utf8'),
    controls,
    closed,
    type: (s) => ws.send(Buffer.from(s), { binary: true }),
    send: (message) => ws.send(JSON.stringify(message)),
    waitFor: (pattern) => expect.poll(() => bytes().toString('utf8'), { timeout: 10_000 }).toMatch(pattern),
    async waitControl(match) {
      try {
        await expect.poll(() => controls.some(match), { timeout: 20_000 }).toBe(true);
      } catch {
        throw new Error(`control message not seen; got ${JSON.stringify(controls)}`);
      }
      return controls.find(match) as Control;
    },
  };
}

const connected = (c: Control) => c.type === 'status' && c.state === 'connected';
const closedStatus = (c: Control) => c.type === 'status' && c.state === 'closed';
const errorCode = (code: string) => (c: Control) => c.type === 'error' && c.code === code;

beforeAll(async () => {
  ({ api, owner, ownerCookie } = await startOrgApi({
    OVERCAST_SHELL_RECORDINGS_DIR: recordings,
    OVERCAST_LOGIN_MAX_ATTEMPTS: '1000',
  }));
  memberCookie = await addUser(owner.organizationId, 'member');
  viewerCookie = await addUser(owner.organizationId, 'viewer');
  ({ sshd, cloudId, machineId } = await sshMachine(api, owner, ownerCookie));
  base = await listenForSockets(api);
});

afterAll(async () => {
  await sshd?.stop();
  await api?.close();
  rmSync(recordings, { recursive: true, force: true });
});

describe('web terminal', () => {
  let firstSession = '';
  let firstBytes: Buffer = Buffer.alloc(0);

  it('connects with the default key, pins the host key, runs commands and resizes', async () => {
    const term = await openTerminal(ownerCookie, machineId, '?cols=100&rows=30');
    const status = await term.waitControl(connected);
    expect(status.hostKey).toEqual({
      algorithm: 'ssh-ed25519',
      fingerprint: sshd.hostKeyFingerprint,
      firstUse: true,
    });
    term.type('echo hello-$((6*7))\n');
    await term.waitFor(/hello-42/);
    term.type('stty size\n');
    await term.waitFor(/30 100/);
    term.send({ type: 'resize', cols: 132, rows: 43 });
    term.type('stty size\n');
    await term.waitFor(/43 132/);
    term.type('exit\n');
    const end = await term.waitControl(closedStatus);
    expect(end.reason).toBe('exit');
    await term.closed;
    firstSession = status.sessionId as string;
    firstBytes = term.bytes();
    const pins = await api.db.prisma.hostKey.findMany({ where: { machineId } });
    expect(pins).toHaveLength(1);
    expect(pins[0]).toMatchObject({
      host: '127.0.0.1',
      port: sshd.port,
      fingerprint: sshd.hostKeyFingerprint,
    });
  });

  it('records the session: a row, audit events, and an asciicast that replays the same bytes', async () => {
    await expect
      .poll(
        async () => (await api.db.prisma.shellSession.findUnique({ where: { id: firstSession } }))?.endedAt,
      )
      .toBeInstanceOf(Date);
    const list = await api.app.inject({
      url: `/api/v1/machines/${machineId}/shell-sessions`,
      headers: { cookie: viewerCookie },
    });
    expect(list.statusCode).toBe(200);
    const session = list.json().items.find((s: { id: string }) => s.id === firstSession);
    expect(session).toMatchObject({ endReason: 'exit', bytesOut: firstBytes.length, hasRecording: true });
    expect(session.durationSeconds).toBeGreaterThan(0);
    // Others on the session list see who opened it, by name (else email).
    const opener = await api.db.prisma.user.findUniqueOrThrow({ where: { id: session.userId } });
    expect(session.userName).toBe(opener.name || opener.email);

    const rec = await api.app.inject({
      url: `/api/v1/shell-sessions/${firstSession}/recording`,
      headers: { cookie: ownerCookie },
    });
    expect(rec.statusCode).toBe(200);
    expect(rec.headers['content-type']).toContain('application/x-asciicast');
    const cast = parseCast(rec.body);
    expect(cast.header).toMatchObject({ version: 2, width: 100, height: 30 });
    expect(Buffer.from(cast.output, 'utf8').equals(firstBytes)).toBe(true);
    expect(rec.body).toContain('"r","132x43"');

    // Not the session's user and not an admin: no recording.
    for (const cookie of [memberCookie, viewerCookie]) {
      const denied = await api.app.inject({
        url: `/api/v1/shell-sessions/${firstSession}/recording`,
        headers: { cookie },
      });
      expect(denied.statusCode).toBe(403);
    }
    const actions = await api.db.prisma.auditEvent.findMany({
      where: { organizationId: owner.organizationId, resourceId: machineId },
      select: { action: true, details: true },
    });
    const endEvent = actions.find(
      (a) =>
        a.action === 'machine.shell.end' && (a.details as { sessionId?: string }).sessionId === firstSession,
    );
    expect(endEvent?.details).toMatchObject({ reason: 'exit', durationSeconds: expect.any(Number) });
    expect(actions.map((a) => a.action)).toContain('machine.shell.start');
  });

  it('a member connects too; the pinned key is no longer first use', async () => {
    const term = await openTerminal(memberCookie);
    const status = await term.waitControl(connected);
    expect(status.hostKey?.firstUse).toBe(false);
    term.ws.close();
    await term.closed;
  });

  it('closing the browser socket ends the SSH session within seconds', async () => {
    await expect.poll(() => openSshConnections(), { timeout: 5_000 }).toBe(0);
    const terms = [await openTerminal(ownerCookie), await openTerminal(memberCookie)];
    for (const t of terms) await t.waitControl(connected);
    expect(openSshConnections()).toBe(2);
    for (const t of terms) t.ws.close();
    await expect.poll(() => openSshConnections(), { timeout: 5_000 }).toBe(0);
    await expect
      .poll(async () =>
        api.db.prisma.shellSession.count({ where: { machineId, endReason: 'client_closed' } }),
      )
      .toBeGreaterThanOrEqual(2);
  });

  it('closes an idle terminal and one that reached the session limit', async () => {
    const saved = { ...api.settings.shell };
    try {
      api.settings.shell.idleTimeoutSeconds = 1;
      const idle = await openTerminal(ownerCookie);
      await idle.waitControl(connected);
      const end = await idle.waitControl(closedStatus);
      expect(end.reason).toBe('idle_timeout');
      expect(idle.controls.some(errorCode('idle_timeout'))).toBe(true);
      await idle.closed;

      api.settings.shell.idleTimeoutSeconds = 60;
      api.settings.shell.maxSessionSeconds = 2;
      const long = await openTerminal(ownerCookie);
      await long.waitControl(connected);
      // Typing keeps it from being idle, but not past the limit.
      const typing = setInterval(() => long.type(' '), 300);
      const stop = await long.waitControl(closedStatus);
      clearInterval(typing);
      expect(stop.reason).toBe('max_session');
      await expect.poll(() => openSshConnections(), { timeout: 5_000 }).toBe(0);
    } finally {
      Object.assign(api.settings.shell, saved);
    }
  });

  it('a key the host does not accept gives the authentication message', async () => {
    const other = await api.app.inject({
      method: 'POST',
      url: '/api/v1/ssh-keys',
      headers: { cookie: memberCookie },
      payload: { name: `stranger-${randomBytes(3).toString('hex')}` },
    });
    expect(other.statusCode).toBe(201);
    const put = await api.app.inject({
      method: 'PUT',
      url: `/api/v1/machines/${machineId}/ssh`,
      headers: { cookie: memberCookie },
      payload: { keyId: other.json().id },
    });
    expect(put.statusCode).toBe(200);
    try {
      const term = await openTerminal(ownerCookie);
      const err = await term.waitControl(errorCode('auth_failed'));
      expect(err.message).toContain('refused the key');
      expect(err.message).toContain(sshd.user);
      await term.waitControl(closedStatus);
      await term.closed;
    } finally {
      await api.app.inject({
        method: 'PUT',
        url: `/api/v1/machines/${machineId}/ssh`,
        headers: { cookie: memberCookie },
        payload: { keyId: null },
      });
    }
  });

  it('an unreachable port gets its own message', async () => {
    const term = await openTerminal(ownerCookie, machineId, '?port=1');
    await term.waitControl(errorCode('unreachable'));
    await term.closed;
  });

  it('a changed host key is refused until an admin accepts it', async () => {
    const old = sshd.hostKeyFingerprint;
    const fresh = await sshd.restartWithNewHostKey();

    const member = await openTerminal(memberCookie);
    const warning = await member.waitControl(errorCode('host_key_changed'));
    expect(warning).toMatchObject({ expectedFingerprint: old, actualFingerprint: fresh });
    expect(warning.message).toContain(old);
    expect(warning.message).toContain(fresh);
    await member.closed;
    expect(member.controls.some(connected)).toBe(false);

    const admin = await openTerminal(ownerCookie);
    await admin.waitControl(errorCode('host_key_changed'));
    admin.send({
      type: 'accept-host-key',
      fingerprint: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    });
    await admin.waitControl(errorCode('fingerprint_mismatch'));
    admin.send({ type: 'accept-host-key', fingerprint: fresh });
    const status = await admin.waitControl(connected);
    expect(status.hostKey?.fingerprint).toBe(fresh);
    admin.type('echo accepted-$((40+2))\n');
    await admin.waitFor(/accepted-42/);
    admin.ws.close();
    await admin.closed;

    const pin = await api.db.prisma.hostKey.findFirst({ where: { machineId } });
    expect(pin).toMatchObject({ fingerprint: fresh, acceptedById: owner.userId });
  });

  it('the REST route accepts a changed host key (admins only)', async () => {
    const fresh = await sshd.restartWithNewHostKey();
    const denied = await api.app.inject({
      method: 'POST',
      url: `/api/v1/machines/${machineId}/host-keys/accept`,
      headers: { cookie: memberCookie },
      payload: { fingerprint: fresh },
    });
    expect(denied.statusCode).toBe(403);
    const bad = await api.app.inject({
      method: 'POST',
      url: `/api/v1/machines/${machineId}/host-keys/accept`,
      headers: { cookie: ownerCookie },
      payload: { fingerprint: 'not a fingerprint' },
    });
    expect(bad.statusCode).toBe(400);
    const ok = await api.app.inject({
      method: 'POST',
      url: `/api/v1/machines/${machineId}/host-keys/accept`,
      headers: { cookie: ownerCookie },
      payload: { fingerprint: fresh },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ fingerprint: fresh, port: sshd.port, acceptedById: owner.userId });
    const term = await openTerminal(memberCookie);
    expect((await term.waitControl(connected)).hostKey?.fingerprint).toBe(fresh);
    term.ws.close();
    await term.closed;
    const keys = await api.app.inject({
      url: `/api/v1/machines/${machineId}/host-keys`,
      headers: { cookie: viewerCookie },
    });
    expect(keys.json().items).toEqual([
      expect.objectContaining({ fingerprint: fresh, algorithm: 'ssh-ed25519' }),
    ]);
  });

  it('hostile machine names and user names change nothing on the host', async () => {
    const markerDir = mkdtempSync(join(tmpdir(), 'overcast-marker-'));
    const marker = join(markerDir, 'pwned');
    try {
      const named = await addMachine(owner.organizationId, cloudId, {
        name: `$(touch ${marker}); \`touch ${marker}\` && touch ${marker} | x'"`,
      });
      const term = await openTerminal(ownerCookie, named);
      await term.waitControl(connected);
      term.type('echo named-ok\n');
      await term.waitFor(/named-ok/);
      term.ws.close();
      await term.closed;

      const user = await addMachine(owner.organizationId, cloudId, {
        sshUser: `${sshd.user}; touch ${marker} #`,
      });
      const refused = await openTerminal(ownerCookie, user);
      await refused.waitControl((c) => c.type === 'error');
      await refused.closed;
      expect(refused.controls.some(connected)).toBe(false);

      const put = await api.app.inject({
        method: 'PUT',
        url: `/api/v1/machines/${named}/ssh`,
        headers: { cookie: ownerCookie },
        payload: { user: `$(touch ${marker})` },
      });
      expect(put.statusCode).toBe(400);
      expect(existsSync(marker)).toBe(false);
    } finally {
      rmSync(markerDir, { recursive: true, force: true });
    }
  });

  it('asks for a password when the organization has no key, and refuses a wrong one', async () => {
    const other = await createOrgWithUser(api.db);
    const cookie = await login(api, other);
    const id = await addMachine(other.organizationId, await addCloud(other.organizationId));
    const term = await openTerminal(cookie, id);
    await term.waitControl(errorCode('password_required'));
    term.send({ type: 'auth', password: 'wrong' });
    await term.waitControl(errorCode('auth_failed'));
    expect(term.controls.some(connected)).toBe(false);
    term.ws.close();
    await term.closed;
  });

  it('refuses viewers (403), other organizations (404), read-only calls without upgrade (426)', async () => {
    await expect(openTerminal(viewerCookie)).rejects.toThrow(/403/);
    const other = await createOrgWithUser(api.db);
    const stranger = await login(api, other);
    await expect(openTerminal(stranger)).rejects.toThrow(/404/);
    await expect(openTerminal('')).rejects.toThrow(/401/);
    const plain = await api.app.inject({
      url: `/api/v1/machines/${machineId}/shell`,
      headers: { cookie: ownerCookie },
    });
    expect(plain.statusCode).toBe(426);
    const bad = await api.app.inject({
      url: '/api/v1/machines/not-a-uuid/shell',
      headers: { cookie: ownerCookie },
    });
    expect(bad.statusCode).toBe(400);
    const theirs = await api.app.inject({
      url: `/api/v1/machines/${machineId}/shell-sessions`,
      headers: { cookie: stranger },
    });
    expect(theirs.statusCode).toBe(404);
    const recording = await api.app.inject({
      url: `/api/v1/shell-sessions/${firstSession}/recording`,
      headers: { cookie: stranger },
    });
    expect(recording.statusCode).toBe(404);
  });

  it('retention cleanup deletes old recordings and keeps the rows', async () => {
    const row = await api.db.prisma.shellSession.findUniqueOrThrow({ where: { id: firstSession } });
    expect(existsSync(row.recordingPath as string)).toBe(true);
    await api.db.prisma.shellSession.update({
      where: { id: firstSession },
      data: { startedAt: new Date(Date.now() - 40 * 86_400_000) },
    });
    const { deleted } = await cleanupRecordings(api.runtime);
    expect(deleted).toBeGreaterThanOrEqual(1);
    expect(existsSync(row.recordingPath as string)).toBe(false);
    const after = await api.db.prisma.shellSession.findUniqueOrThrow({ where: { id: firstSession } });
    expect(after.recordingPath).toBeNull();
    const gone = await api.app.inject({
      url: `/api/v1/shell-sessions/${firstSession}/recording`,
      headers: { cookie: ownerCookie },
    });
    expect(gone.statusCode).toBe(404);
  });
});

describe('terminal limits', () => {
  it('one more terminal than limits.terminalsPerUser is refused with a reason; closing one makes room', async () => {
    const saved = api.settings.limits.terminalsPerUser;
    api.settings.limits.terminalsPerUser = 2;
    const open: Terminal[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        const term = await openTerminal(ownerCookie);
        await term.waitControl(connected);
        open.push(term);
      }
      // Refused inside the socket, so a browser can show why.
      const refused = await openTerminal(ownerCookie);
      const error = await refused.waitControl(errorCode('too_many_terminals'));
      expect(error.message).toContain('2 terminals open');
      await refused.closed;
      expect(refused.controls.some(connected)).toBe(false);
      // Another person is not held back by someone else's terminals.
      const other = await openTerminal(memberCookie);
      await other.waitControl(connected);
      other.ws.close();

      open.shift()!.ws.close();
      await expect
        .poll(async () => {
          const again = await openTerminal(ownerCookie).catch(() => null);
          if (again) open.push(again);
          return Boolean(again);
        })
        .toBe(true);
    } finally {
      for (const term of open) term.ws.close();
      api.settings.limits.terminalsPerUser = saved;
    }
  });

  it('output past limits.recordingMaxMiB ends the recording with a note and closes the terminal', async () => {
    const saved = api.settings.limits.recordingMaxMiB;
    api.settings.limits.recordingMaxMiB = 1;
    try {
      const term = await openTerminal(ownerCookie);
      const status = await term.waitControl(connected);
      // About 4 MB of output, four times the cap.
      term.type('head -c 3000000 /dev/zero | base64\n');
      const end = await term.waitControl(closedStatus);
      expect(end.reason).toBe('recording_limit');
      const notice = term.controls.find(errorCode('recording_limit'));
      expect(notice?.message).toContain('1 MiB');
      await term.closed;

      await expect
        .poll(
          async () =>
            (await api.db.prisma.shellSession.findUnique({ where: { id: status.sessionId } }))?.endReason,
        )
        .toBe('recording_limit');
      const rec = await api.app.inject({
        url: `/api/v1/shell-sessions/${status.sessionId}/recording`,
        headers: { cookie: ownerCookie },
      });
      expect(rec.rawPayload.length).toBeLessThanOrEqual(1024 * 1024);
      expect(rec.rawPayload.length).toBeGreaterThan(900 * 1024);
      // Everything the browser was shown is in the recording, followed by the note.
      const cast = parseCast(rec.body);
      expect(cast.output.startsWith(term.text())).toBe(true);
      expect(cast.output.slice(term.text().length)).toBe(`\r\n[${notice?.message}]\r\n`);
      expect(rec.body).toContain('"m","Closed: this session');
    } finally {
      api.settings.limits.recordingMaxMiB = saved;
    }
  });
});

describe('hosts of an SSH-host cloud', () => {
  it("log in with the cloud's key, user and port when the machine has none of its own", async () => {
    const pair = await generateKeyPair({ type: 'ed25519' });
    const host = await startSshd({ authorizedKeys: [pair.publicKey] });
    try {
      // A fresh organization: no SSH keys at all, so only the cloud's credentials can work.
      const other = await createOrgWithUser(api.db);
      const cookie = await login(api, other);
      const cloud = await api.db.prisma.cloud.create({
        data: {
          organizationId: other.organizationId,
          provider: 'ssh_host',
          title: 'bare metal',
          credentials: Buffer.from('x'),
          config: { hosts: [{ address: '127.0.0.1', port: host.port, username: host.user }] },
        },
      });
      await api.db.prisma.cloud.update({
        where: { id: cloud.id },
        data: { credentials: sealCredentials(api.box, cloud.id, { privateKey: pair.privateKey }) },
      });
      const machine = await api.db.prisma.machine.create({
        data: {
          organizationId: other.organizationId,
          cloudId: cloud.id,
          externalId: `127.0.0.1:${host.port}`,
          name: 'rack-1',
          state: 'running',
          publicIps: ['127.0.0.1'],
        },
      });
      const t = await openTerminal(cookie, machine.id);
      await t.waitControl(connected);
      t.type('echo cloud-login-$((20+22))\n');
      await t.waitFor(/cloud-login-42/);
      t.ws.close();
      await t.closed;
    } finally {
      await host.stop();
    }
  });
});
