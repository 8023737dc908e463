import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DockerSim, makeTlsMaterial, startDockerSim, type TlsMaterial } from '@overcast/cloud-sim';
import { executeScriptRun } from '@overcast/core/automation';
import { pollCloud } from '@overcast/core/polling';
import { parseCast } from '@overcast/core/terminal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd } from '../../../test/support/sshd';
import { pollNow } from './support/clouds';
import {
  createOrgWithUser,
  listenForSockets,
  login,
  seedCloud,
  seedMachine,
  startTestApi,
  type TestApi,
  type TestUser,
} from './support/harness';
import { openSocket } from './support/terminal';

let api: TestApi;
let sim: DockerSim;
let tls: TlsMaterial;
let stranger: TlsMaterial;
let owner: TestUser;
let cookie: string;
let cloudId: string;
let base: string;
const scratch = mkdtempSync(join(tmpdir(), 'overcast-docker-api-'));
const recordings = join(scratch, 'recordings');

beforeAll(async () => {
  api = await startTestApi({
    OVERCAST_SHELL_RECORDINGS_DIR: recordings,
    OVERCAST_LOGIN_MAX_ATTEMPTS: '1000',
  });
  tls = makeTlsMaterial();
  stranger = makeTlsMaterial('stranger');
  sim = await startDockerSim({
    socketPath: join(scratch, 'docker.sock'),
    tls: { material: tls },
    pullStepMs: 5,
  });
  sim.engine.addImage('alpine:3.20');
  const web = sim.engine.createContainer({ name: 'web', image: 'alpine:3.20', labels: { tier: 'front' } });
  sim.engine.start(web.id);
  sim.engine.createContainer({ name: 'stopped-one', image: 'alpine:3.20' });
  owner = await createOrgWithUser(api.db);
  cookie = await login(api, owner);
  base = await listenForSockets(api);
});
afterAll(async () => {
  await sim?.close();
  await api?.close();
  rmSync(scratch, { recursive: true, force: true });
});

const post = (url: string, payload: unknown) =>
  api.app.inject({ method: 'POST', url, headers: { cookie }, payload: payload as object });
const machineByName = (name: string) => api.db.prisma.machine.findFirst({ where: { cloudId, name } });
const sync = () => pollNow(api, cloudId);

describe('an engine reached through a machine Overcast logs in to', () => {
  it('takes the machine’s address, user, port and key', async () => {
    const key = await post('/api/v1/ssh-keys', { name: 'engine host key' });
    expect(key.statusCode).toBe(201);
    const sshd = await startSshd({ authorizedKeys: [key.json().publicKey] });
    try {
      const hosts = await seedCloud(api.db, owner.organizationId, {
        title: 'build hosts',
        config: { hosts: [{ address: '127.0.0.1', port: sshd.port, username: sshd.user }] },
      });
      const host = {
        id: await seedMachine(api.db, owner.organizationId, {
          cloudId: hosts.id,
          externalId: `127.0.0.1:${sshd.port}`,
          name: 'build-1',
          publicIps: ['127.0.0.1'],
          sshPort: sshd.port,
          sshUser: sshd.user,
          sshKeyId: key.json().id,
        }),
      };
      const res = await post('/api/v1/clouds', {
        provider: 'docker',
        title: 'engine on build-1',
        credentials: {},
        config: { sshMachineId: host.id, socketPath: sim.socketPath },
      });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().config.host).toBe(`ssh://${sshd.user}@127.0.0.1:${sshd.port}`);
      expect(JSON.stringify(res.json())).not.toContain('PRIVATE KEY');
      const viaId = res.json().id as string;
      const outcome = await pollCloud(api.runtime, viaId, 'machines');
      expect(outcome.status).toBe('ok');
      expect(await api.db.prisma.machine.count({ where: { cloudId: viaId } })).toBeGreaterThan(0);
      const other = await createOrgWithUser(api.db);
      const foreign = await api.app.inject({
        method: 'POST',
        url: '/api/v1/clouds',
        headers: { cookie: await login(api, other) },
        payload: { provider: 'docker', title: 'x', credentials: {}, config: { sshMachineId: host.id } },
      });
      expect(foreign.statusCode).toBe(404);
      await api.db.prisma.cloud.deleteMany({ where: { id: viaId } });
    } finally {
      await sshd.stop();
    }
  });
});

describe('docker clouds in the api', () => {
  it('adds an engine over its unix socket and lists its containers', async () => {
    const res = await post('/api/v1/clouds', {
      provider: 'docker',
      title: 'local engine',
      credentials: {},
      config: { host: `unix://${sim.socketPath}` },
    });
    expect(res.statusCode, res.body).toBe(201);
    cloudId = res.json().id;
    expect((await sync()).status).toBe('ok');
    expect(await machineByName('web')).toMatchObject({
      state: 'running',
      image: 'alpine:3.20',
      providerTags: { tier: 'front' },
      location: sim.socketPath,
    });
    const facts = await api.app.inject({ url: `/api/v1/clouds/${cloudId}/engine`, headers: { cookie } });
    expect(facts.statusCode).toBe(200);
    expect(facts.json()).toMatchObject({ version: '27.3.1', cpus: 4, containers: { total: 2, running: 1 } });
  });

  it('gives each kind of bad engine access its own clear answer', async () => {
    const add = (config: object, credentials: object = {}) =>
      post('/api/v1/clouds', { provider: 'docker', title: `bad-${Math.random()}`, credentials, config });
    const tcp = (sim.tlsUrl as string).replace('https:', 'tcp:');
    const gone = await add({ host: `unix://${join(scratch, 'missing.sock')}` });
    expect(gone.statusCode).toBe(502);
    expect(gone.json().error).toMatchObject({ code: 'engine_unreachable' });
    expect(gone.json().error.message).toMatch(/No Docker socket at/);
    const refused = await add(
      { host: tcp },
      { ca: tls.ca, cert: stranger.clientCert, key: stranger.clientKey },
    );
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error).toMatchObject({ code: 'tls_client_refused' });
    expect(refused.json().error.message).toMatch(/refused the client certificate/);
    const untrusted = await add({ host: tcp }, { ca: stranger.ca, cert: tls.clientCert, key: tls.clientKey });
    expect(untrusted.json().error).toMatchObject({ code: 'tls_server_untrusted' });
    const partial = await add({ host: tcp }, { ca: tls.ca });
    expect(partial.statusCode).toBe(422);
    expect(partial.json().error.message).toMatch(/needs all three files/);
    const nohost = await add({});
    expect(nohost.statusCode).toBe(400);
    expect(nohost.json().error.message).toMatch(/config.host is required/);
    const ok = await add({ host: tcp }, { ca: tls.ca, cert: tls.clientCert, key: tls.clientKey });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(JSON.stringify(ok.json())).not.toContain('PRIVATE KEY');
  });

  it('runs every container action through the engine', async () => {
    const web = (await machineByName('web'))!;
    const act = (body: object, id = web.id) => post(`/api/v1/machines/${id}/actions`, body);
    for (const [action, raw] of [
      ['stop', 'exited'],
      ['start', 'running'],
      ['reboot', 'running'],
      ['pause', 'paused'],
      ['unpause', 'running'],
    ] as const) {
      const res = await act({ action });
      expect(res.statusCode, res.body).toBe(202);
      expect(sim.engine.container('web').status).toBe(raw);
    }
    expect((await act({ action: 'unpause' })).json().error.message).toMatch(/is not paused/);
    expect((await act({ action: 'rename', name: 'web-2' })).statusCode).toBe(202);
    expect(sim.engine.container(web.externalId).name).toBe('web-2');
    const withVolume = sim.engine.createContainer({
      name: 'tmp',
      image: 'alpine:3.20',
      anonymousVolumes: ['/d'],
    });
    await sync();
    const tmp = (await machineByName('tmp'))!;
    expect((await act({ action: 'destroy', removeVolumes: true }, tmp.id)).statusCode).toBe(202);
    expect(sim.engine.containers.has(withVolume.id)).toBe(false);
    expect(sim.engine.volumes.has(withVolume.mounts[0]!.volume!)).toBe(false);
    // Removed on the host behind Overcast's back: destroying it is done, and it shows as gone.
    const gone = sim.engine.createContainer({ name: 'gone', image: 'alpine:3.20' });
    await sync();
    const goneRow = (await machineByName('gone'))!;
    sim.engine.remove(gone.id, { force: true });
    const destroyed = await act({ action: 'destroy' }, goneRow.id);
    expect(destroyed.statusCode, destroyed.body).toBe(202);
    expect((await machineByName('gone'))?.state).toBe('terminated');
    // Taken for missing by a listing, but still on the engine: destroying it removes it.
    const stray = sim.engine.createContainer({ name: 'stray', image: 'alpine:3.20' });
    await sync();
    const strayRow = (await machineByName('stray'))!;
    await api.db.prisma.machine.update({
      where: { id: strayRow.id },
      data: { state: 'missing', missingSince: new Date() },
    });
    expect((await act({ action: 'reboot' }, strayRow.id)).statusCode).toBe(409);
    const removed = await act({ action: 'destroy' }, strayRow.id);
    expect(removed.statusCode, removed.body).toBe(202);
    expect(sim.engine.containers.has(stray.id)).toBe(false);
    const audit = await api.db.prisma.auditEvent.findMany({
      where: { organizationId: owner.organizationId, resourceId: web.id },
      select: { action: true },
    });
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['machine.pause', 'machine.unpause', 'machine.stop', 'machine.rename']),
    );
  });

  it('refuses container-only actions on other machines', async () => {
    const other = await api.db.prisma.cloud.create({
      data: {
        organizationId: owner.organizationId,
        provider: 'ssh_host',
        title: 'hosts',
        credentials: Buffer.from('x'),
      },
    });
    const m = await api.db.prisma.machine.create({
      data: {
        organizationId: owner.organizationId,
        cloudId: other.id,
        externalId: 'h:22',
        name: 'h',
        state: 'running',
      },
    });
    const res = await post(`/api/v1/machines/${m.id}/actions`, { action: 'pause' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/Only Docker containers can be paused/);
  });

  it('creates a container, streaming the image pull', async () => {
    const res = await post(`/api/v1/clouds/${cloudId}/containers`, {
      image: 'redis:7',
      name: 'cache',
      env: { REDIS_ARGS: '--save ""' },
      ports: ['6379:6379'],
      volumes: ['cachedata:/data'],
      restartPolicy: 'always',
      labels: { app: 'cache' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/x-ndjson/);
    const lines = res.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.type === 'progress' && l.status === 'Downloading').length).toBeGreaterThan(
      2,
    );
    const done = lines.at(-1);
    expect(done).toMatchObject({ type: 'done', name: 'cache' });
    expect(await api.db.prisma.machine.findUnique({ where: { id: done.machineId } })).toMatchObject({
      name: 'cache',
      state: 'running',
      providerTags: { app: 'cache' },
    });
    expect(sim.engine.container('cache').restartPolicy.Name).toBe('always');
    const audit = await api.db.prisma.auditEvent.findFirst({
      where: { organizationId: owner.organizationId, action: 'machine.create', resourceId: done.machineId },
    });
    expect(audit?.details).toMatchObject({ image: 'redis:7', env: ['REDIS_ARGS'] });
    expect(JSON.stringify(audit?.details)).not.toContain('--save');
  });

  it('refuses bad container requests with a clear 4xx', async () => {
    const url = `/api/v1/clouds/${cloudId}/containers`;
    expect((await post(url, { image: 'bad image; rm -rf /' })).statusCode).toBe(400);
    expect((await post(url, { image: 'alpine:3.20', name: '$(id)' })).statusCode).toBe(400);
    expect((await post(url, { image: 'alpine:3.20', env: { 'A B': 'x' } })).statusCode).toBe(400);
    const port = await post(url, { image: 'alpine:3.20', ports: ['abc'] });
    expect(port.statusCode).toBe(422);
    expect(port.json().error.message).toMatch(/not a port mapping/);
    const missing = await post(url, { image: 'nobody/nothing:1' });
    expect(missing.statusCode).toBe(422);
    expect(missing.json().error.message).toMatch(/pull access denied/);
    const dup = await post(url, { image: 'alpine:3.20', name: 'cache' });
    expect(dup.statusCode).toBe(409);
    const other = await createOrgWithUser(api.db);
    const otherCookie = await login(api, other);
    const foreign = await api.app.inject({
      method: 'POST',
      url,
      headers: { cookie: otherCookie },
      payload: { image: 'alpine:3.20' },
    });
    expect(foreign.statusCode).toBe(404);
  });

  it("lists the engine's networks, makes and deletes one, and answers 400 for its firewalls", async () => {
    const get = (url: string) => api.app.inject({ url, headers: { cookie } });
    const remove = (url: string) => api.app.inject({ method: 'DELETE', url, headers: { cookie } });
    expect((await pollNow(api, cloudId, 'networks')).status).toBe('ok');
    const listed: { id: string; name: string; isDefault: boolean; machineCount: number }[] = (
      await get(`/api/v1/networks?cloud=${cloudId}`)
    ).json().items;
    expect(listed.map((n) => n.name).sort()).toEqual(['bridge', 'host', 'none']);
    const onBridge = [...sim.engine.containers.values()].filter((c) => c.networkNames.includes('bridge'));
    expect(listed.find((n) => n.name === 'bridge')).toMatchObject({
      isDefault: true,
      machineCount: onBridge.length,
    });

    const created = await post('/api/v1/networks', { cloudId, name: 'backend', cidr: '10.70.0.0/24' });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().network).toMatchObject({ name: 'backend', cidr: '10.70.0.0/24', isDefault: false });
    expect(sim.engine.networks.find('backend').subnet).toBe('10.70.0.0/24');

    const firewalls = await get(`/api/v1/firewalls?cloud=${cloudId}`);
    expect(firewalls.statusCode).toBe(400);
    expect(firewalls.json().error.code).toBe('firewalls_unsupported');

    const bridge = listed.find((n) => n.name === 'bridge') as { id: string };
    expect((await remove(`/api/v1/networks/${bridge.id}`)).statusCode).toBe(409);
    expect((await remove(`/api/v1/networks/${created.json().network.id}`)).statusCode).toBe(204);
    expect(() => sim.engine.networks.find('backend')).toThrow(/not found/);
  });
});

const terminal = (id: string, query = '?cols=100&rows=30') =>
  openSocket(`${base}/api/v1/machines/${id}/shell${query}`, { cookie });

describe('a shell inside a container', () => {
  it('opens through exec, resizes, and is recorded and audited like an SSH session', async () => {
    await sync();
    const web = (await api.db.prisma.machine.findFirst({
      where: { cloudId, externalId: sim.engine.container('web-2').id },
    }))!;
    const term = await terminal(web.id);
    const status = await term.waitControl((c) => c.type === 'status' && c.state === 'connected');
    await term.waitFor(/\/ # /);
    term.type('hostname\r');
    await term.waitFor(new RegExp(web.externalId.slice(0, 12)));
    term.type('stty size\r');
    await term.waitFor(/30 100/);
    term.ws.send(JSON.stringify({ type: 'resize', cols: 132, rows: 43 }));
    await new Promise((r) => setTimeout(r, 100));
    term.type('stty size\r');
    await term.waitFor(/43 132/);
    term.type('exit\r');
    const end = await term.waitControl((c) => c.type === 'status' && c.state === 'closed');
    expect(end.reason).toBe('exit');
    await term.closed;
    await expect
      .poll(
        async () =>
          (await api.db.prisma.shellSession.findUnique({ where: { id: status.sessionId } }))?.endedAt,
      )
      .toBeInstanceOf(Date);
    const session = await api.db.prisma.shellSession.findUnique({ where: { id: status.sessionId } });
    expect(session).toMatchObject({ machineId: web.id, endReason: 'exit' });
    const rec = await api.app.inject({
      url: `/api/v1/shell-sessions/${status.sessionId}/recording`,
      headers: { cookie },
    });
    expect(rec.statusCode).toBe(200);
    const cast = parseCast(rec.body);
    expect(cast.header).toMatchObject({ width: 100, height: 30 });
    expect(Buffer.from(cast.output, 'utf8').equals(Buffer.from(term.text(), 'utf8'))).toBe(true);
    expect(rec.body).toContain('"r","132x43"');
    const audit = await api.db.prisma.auditEvent.findMany({
      where: { resourceId: web.id, action: { startsWith: 'machine.shell' } },
      orderBy: { createdAt: 'asc' },
    });
    expect(audit.map((a) => a.action)).toEqual(['machine.shell.start', 'machine.shell.end']);
    expect(audit[0]?.details).toMatchObject({ via: 'docker-exec', sessionId: status.sessionId });
  });

  it('says plainly when the engine refuses the exec', async () => {
    const stopped = (await machineByName('stopped-one'))!;
    const term = await terminal(stopped.id);
    const err = await term.waitControl((c) => c.type === 'error');
    expect(err.code).toBe('exec_refused');
    expect(err.message).toMatch(/refused to open a shell in stopped-one: Container \w+ is not running/);
    expect(err.message).toMatch(/Start \(or unpause\) the container/);
    await term.closed;
  });
});

describe('a script run on containers', () => {
  it('runs through exec, with its parameters and exit code, never over SSH to the container', async () => {
    await sync();
    const web = (await machineByName('web-2'))!;
    const stopped = (await machineByName('stopped-one'))!;
    // Were it dialled over SSH, this is where it would go: a loopback port nothing listens on.
    const closed = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as AddressInfo;
        s.close(() => resolve(port));
      });
    });
    await api.db.prisma.machine.updateMany({
      where: { id: { in: [web.id, stopped.id] } },
      data: { publicIps: ['127.0.0.1'], sshPort: closed },
    });
    const script = await post('/api/v1/scripts', {
      name: 'in a container',
      body: 'echo "hello $TAG"\nhostname\nexit 3',
      parameters: [{ name: 'TAG' }],
    });
    expect(script.statusCode, script.body).toBe(201);
    const run = await post(`/api/v1/scripts/${script.json().id}/runs`, {
      targets: { machineIds: [web.id, stopped.id] },
      params: { TAG: 'v1' },
    });
    expect(run.statusCode, run.body).toBe(202);
    await executeScriptRun(api.runtime, run.json().id);
    const targets = await api.db.prisma.scriptRunTarget.findMany({ where: { runId: run.json().id } });
    const byMachine = Object.fromEntries(targets.map((t) => [t.machineId, t]));
    expect(byMachine[web.id]).toMatchObject({
      status: 'failed',
      exitCode: 3,
      stdout: `hello v1\n${web.externalId.slice(0, 12)}\n`,
      error: 'The script exited with code 3.',
    });
    expect(byMachine[stopped.id]?.status).toBe('failed');
    expect(byMachine[stopped.id]?.error).toMatch(/did not run the command in stopped-one: .*not running/);
    expect(byMachine[stopped.id]?.error).toMatch(/Start \(or unpause\) the container/);
  });
});
