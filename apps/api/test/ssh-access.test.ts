import { randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { executeScriptRun } from '@overcast/core/automation';
import { sealCredentials } from '@overcast/core/clouds';
import { collectMetrics } from '@overcast/core/monitoring';
import { pollCloud } from '@overcast/core/polling';
import { generateKeyPair, type KeyPair } from '@overcast/ssh';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type SshdHandle, startSshd } from '../../../test/support/sshd';
import { createOrgWithUser, login, startTestApi, type TestApi, type TestUser } from './support/harness';

// An SSH host added as root@127.0.0.7:<port>, whose `ip addr` names other addresses, two of
// which lead back to whoever dials them. Everything that logs in must go to 127.0.0.7:<port>.

const ADDRESS = '127.0.0.7';
const REPORTED = ['::ffff:127.0.0.1', '0.0.0.0', '198.51.100.4'];

let api: TestApi;
let sshd: SshdHandle;
let key: KeyPair;
let owner: TestUser;
let cookie: string;
let base: string;
let machineId: string;
const scratch = mkdtempSync(join(tmpdir(), 'overcast-ssh-access-'));

const call = (method: string, url: string, payload?: unknown) =>
  api.app.inject({ method: method as 'GET', url, headers: { cookie }, payload: payload as object });
const _deps = () => api.runtime;

beforeAll(async () => {
  api = await startTestApi({ OVERCAST_SHELL_RECORDINGS_DIR: join(scratch, 'recordings') });
  key = await generateKeyPair({ type: 'ed25519' });
  const bin = join(scratch, 'bin');
  const lines = REPORTED.map((a) => `2: eth0    inet${a.includes(':') ? '6' : ''} ${a}/24 scope global eth0`);
  writeFileSync(join(scratch, 'ip.txt'), `1: lo    inet 127.0.0.1/8 scope host lo\n${lines.join('\n')}\n`);
  mkdirSync(bin);
  writeFileSync(join(bin, 'ip'), `#!/bin/sh\ncat '${join(scratch, 'ip.txt')}'\n`);
  chmodSync(join(bin, 'ip'), 0o755);
  sshd = await startSshd({ host: ADDRESS, authorizedKeys: [key.publicKey], pathPrefix: bin });
  owner = await createOrgWithUser(api.db);
  cookie = await login(api, owner);
  await api.app.listen({ port: 0, host: '127.0.0.1' });
  base = `ws://127.0.0.1:${(api.app.server.address() as { port: number }).port}`;

  const added = await call('POST', '/api/v1/clouds', {
    provider: 'ssh_host',
    title: 'rack',
    credentials: { privateKey: key.privateKey },
    config: { hosts: [{ address: ADDRESS, port: sshd.port, username: sshd.user }] },
  });
  expect(added.statusCode, added.body).toBe(201);
  const outcome = await pollCloud(api.runtime, added.json().id, 'machines');
  expect(outcome.status).toBe('ok');
  const machine = await api.db.prisma.machine.findFirstOrThrow({ where: { cloudId: added.json().id } });
  machineId = machine.id;
});
afterAll(async () => {
  await sshd?.stop();
  await api?.close();
  rmSync(scratch, { recursive: true, force: true });
});

async function terminalSays(query = ''): Promise<{ text: string; controls: Record<string, unknown>[] }> {
  const ws = new WebSocket(`${base}/api/v1/machines/${machineId}/shell${query}`, { headers: { cookie } });
  const chunks: Buffer[] = [];
  const controls: Record<string, unknown>[] = [];
  ws.on('message', (data: Buffer, binary: boolean) => {
    if (binary) chunks.push(Buffer.from(data));
    else controls.push(JSON.parse(data.toString()));
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const text = () => Buffer.concat(chunks).toString('utf8');
  await expect
    .poll(() => controls.some((c) => c.state === 'connected' || c.state === 'closed'), { timeout: 20_000 })
    .toBe(true);
  if (controls.some((c) => c.state === 'connected')) {
    ws.send(Buffer.from('echo reached-$((40+2))\n'), { binary: true });
    await expect.poll(text, { timeout: 10_000 }).toMatch(/reached-42/);
  }
  ws.close();
  return { text: text(), controls };
}

describe('a host added by address', () => {
  it('shows what it reports about itself, but the terminal, scripts and monitoring reach it where it was added', async () => {
    const machine = await api.db.prisma.machine.findUniqueOrThrow({ where: { id: machineId } });
    expect(machine.externalId).toBe(`${ADDRESS}:${sshd.port}`);
    expect(machine.publicIps).toContain('198.51.100.4');

    const shell = await terminalSays();

    const script = await call('POST', '/api/v1/scripts', { name: 'where', body: 'echo "ran as $(id -un)"' });
    expect(script.statusCode, script.body).toBe(201);
    const run = await call('POST', `/api/v1/scripts/${script.json().id}/runs`, {
      targets: { machineIds: [machineId] },
    });
    expect(run.statusCode, run.body).toBe(202);
    await executeScriptRun(api.runtime, run.json().id);
    const target = await api.db.prisma.scriptRunTarget.findFirstOrThrow({ where: { runId: run.json().id } });

    await api.db.prisma.machine.update({ where: { id: machineId }, data: { monitoringEnabled: true } });
    const collected = await collectMetrics(api.runtime, [machineId]);

    // All three at once, so a failure shows which of them went astray.
    expect({
      terminal: {
        errors: shell.controls.filter((c) => c.type === 'error'),
        echoed: /reached-42/.test(shell.text),
      },
      script: { status: target.status, error: target.error, stdout: target.stdout },
      monitoring: { failed: collected.failed.map((f) => f.error), succeeded: collected.succeeded },
    }).toEqual({
      terminal: { errors: [], echoed: true },
      script: { status: 'succeeded', error: null, stdout: `ran as ${sshd.user}\n` },
      monitoring: { failed: [], succeeded: 1 },
    });

    // Every host key Overcast pinned is the one at the address the host was added with.
    const pins = await api.db.prisma.hostKey.findMany({ where: { machineId } });
    expect(pins.map((p) => `${p.host}:${p.port}`)).toEqual([`${ADDRESS}:${sshd.port}`]);
  });

  it('never dials an address the host reports about itself', async () => {
    const machine = await api.db.prisma.machine.findUniqueOrThrow({ where: { id: machineId } });
    // Addresses that lead back to the dialler are not even kept as facts.
    expect([...machine.publicIps, ...machine.privateIps]).not.toContain('::ffff:127.0.0.1');
    expect([...machine.publicIps, ...machine.privateIps]).not.toContain('0.0.0.0');
    // Nor can the terminal be pointed at one of them.
    const shell = await terminalSays('?address=public');
    expect(shell.controls).toContainEqual(expect.objectContaining({ type: 'error', code: 'address_fixed' }));
    const starts = await api.db.prisma.auditEvent.findMany({
      where: { organizationId: owner.organizationId, action: 'machine.shell.start' },
    });
    for (const s of starts) {
      const host = (s.details as { host?: string }).host;
      if (host !== undefined) expect(host).toBe(ADDRESS);
    }
  });

  it('a host added by a name that resolves to a refused address is not dialed', async () => {
    // A port on loopback that counts connections; "localhost" leads there unless the guard refuses.
    let dialed = 0;
    const trap = createServer((socket) => {
      dialed++;
      socket.destroy();
    });
    await new Promise<void>((r) => trap.listen(0, '127.0.0.1', r));
    const port = (trap.address() as { port: number }).port;
    try {
      const cloudId = randomUUID();
      await api.db.prisma.cloud.create({
        data: {
          id: cloudId,
          organizationId: owner.organizationId,
          provider: 'ssh_host',
          title: `by-name-${port}`,
          credentials: sealCredentials(api.box, cloudId, { privateKey: key.privateKey }),
          config: { hosts: [{ address: 'localhost', port, username: sshd.user }] },
        },
      });
      const {
        id: _id,
        cloudId: _cloud,
        ...known
      } = await api.db.prisma.machine.findUniqueOrThrow({
        where: { id: machineId },
      });
      const machine = await api.db.prisma.machine.create({
        data: { ...known, id: randomUUID(), cloudId, externalId: `localhost:${port}` } as never,
      });
      const strict = { ...api.settings, outbound: { allowPrivateNetworks: [] } };
      const collected = await collectMetrics({ ...api.runtime, settings: strict }, [machine.id]);
      expect(collected.failed.map((f) => f.error)).toEqual([
        expect.stringMatching(/localhost is a loopback address .*outbound\.allowPrivateNetworks/),
      ]);
      expect(dialed).toBe(0);
    } finally {
      await new Promise((r) => trap.close(r));
    }
  });

  it('says on its page where it is reached, and why there', async () => {
    const res = await call('GET', `/api/v1/machines/${machineId}`);
    expect(res.statusCode).toBe(200);
    expect(res.json().reachedAt).toEqual({
      via: 'ssh',
      address: ADDRESS,
      port: sshd.port,
      user: sshd.user,
      reason: `reached at ${ADDRESS}:${sshd.port} as ${sshd.user}, from the cloud's settings`,
    });
    expect(res.body).not.toContain('PRIVATE KEY');
  });
});

describe("an SSH-hosts cloud on the organization's keys", () => {
  it('logs in with the default key when no key is pasted, and names any other key by id', async () => {
    const org = await createOrgWithUser(api.db);
    const as = await login(api, org);
    const post = (url: string, payload: unknown, who = as) =>
      api.app.inject({ method: 'POST', url, headers: { cookie: who }, payload: payload as object });
    const hostsOf = (port: number) => ({ hosts: [{ address: ADDRESS, port, username: sshd.user }] });

    // No key at all yet: a 400 that says what to do, and nothing saved.
    const none = await post('/api/v1/clouds', {
      provider: 'ssh_host',
      title: 'no key',
      credentials: {},
      config: hostsOf(sshd.port),
    });
    expect(none.statusCode).toBe(400);
    expect(none.json().error.message).toMatch(/Keys page/);
    expect(await api.db.prisma.cloud.count({ where: { organizationId: org.organizationId } })).toBe(0);

    const generated = await post('/api/v1/ssh-keys', { name: 'overcast' });
    expect(generated.statusCode).toBe(201);
    const other = await post('/api/v1/ssh-keys', { name: 'spare', isDefault: false });
    const host = await startSshd({ host: ADDRESS, authorizedKeys: [generated.json().publicKey] });
    try {
      const added = await post('/api/v1/clouds', {
        provider: 'ssh_host',
        title: 'on the default key',
        credentials: {},
        config: hostsOf(host.port),
      });
      expect(added.statusCode, added.body).toBe(201);
      expect(added.json().config.sshKeyId).toBe(generated.json().id);
      expect(added.body).not.toContain('PRIVATE KEY');
      const outcome = await pollCloud(api.runtime, added.json().id, 'machines');
      expect(outcome.status).toBe('ok');
      const machine = await api.db.prisma.machine.findFirstOrThrow({ where: { cloudId: added.json().id } });
      expect(machine.state).toBe('running');

      // A key the host does not accept is named, and refused by the host when checked.
      const spare = await post('/api/v1/clouds', {
        provider: 'ssh_host',
        title: 'on the spare key',
        credentials: {},
        config: { ...hostsOf(host.port), sshKeyId: other.json().id },
      });
      expect(spare.statusCode, spare.body).toBe(422);
      // Another organization's key is not found; a pasted key with a key id is ambiguous.
      const foreignKey = (await post('/api/v1/ssh-keys', { name: 'theirs' }, cookie)).json();
      const foreign = await post('/api/v1/clouds', {
        provider: 'ssh_host',
        title: 'foreign',
        credentials: {},
        config: { ...hostsOf(host.port), sshKeyId: foreignKey.id },
      });
      expect(foreign.statusCode).toBe(404);
      const both = await post('/api/v1/clouds', {
        provider: 'ssh_host',
        title: 'both',
        credentials: { password: 'x' },
        config: { ...hostsOf(host.port), sshKeyId: generated.json().id },
      });
      expect(both.statusCode).toBe(400);
      expect(await api.db.prisma.cloud.count({ where: { organizationId: org.organizationId } })).toBe(1);
    } finally {
      await host.stop();
    }
  });
});
