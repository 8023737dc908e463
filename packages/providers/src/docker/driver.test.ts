import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProviderError, type RemoteMachine } from '@overcast/contracts';
import { generateKeyPair } from '@overcast/ssh';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SshdHandle, startSshd } from '../../../../test/support/sshd';
import {
  type DockerSim,
  makeTlsMaterial,
  startDockerSim,
  type TlsMaterial,
} from '../../../cloud-sim/src/docker/index';
import { createDockerDriver, type DockerDriver, type EngineEvent, type PullProgress } from './index';

let sim: DockerSim;
let dir: string;
let tls: TlsMaterial;
let stranger: TlsMaterial;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'overcast-docker-'));
  tls = makeTlsMaterial();
  stranger = makeTlsMaterial('other');
  sim = await startDockerSim({
    socketPath: join(dir, 'docker.sock'),
    tcpPort: 0,
    tls: { material: tls },
    pullStepMs: 1,
  });
  sim.engine.addImage('alpine:3.20');
  const web = sim.engine.createContainer({
    name: 'web',
    image: 'alpine:3.20',
    labels: { team: 'blue', 'com.example.tier': 'front' },
    ports: [{ privatePort: 80, type: 'tcp', publicPort: 8080 }],
    binds: ['webdata:/data'],
  });
  sim.engine.start(web.id);
  sim.engine.createContainer({ name: 'idle', image: 'alpine:3.20' });
});
afterAll(async () => {
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

const unix = () => createDockerDriver({ credentials: {}, config: { host: `unix://${sim.socketPath}` } });
const overTls = (material: Partial<TlsMaterial> = tls) =>
  createDockerDriver({
    credentials: { ca: material.ca, cert: material.clientCert, key: material.clientKey },
    config: { host: (sim.tlsUrl as string).replace('https:', 'tcp:') },
  });

async function list(d: DockerDriver): Promise<RemoteMachine[]> {
  const out: RemoteMachine[] = [];
  for await (const m of d.listMachines(new AbortController().signal)) out.push(m);
  return out;
}
const byName = async (d: DockerDriver, name: string) => (await list(d)).find((m) => m.name === name);

async function failure(p: Promise<unknown>): Promise<ProviderError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ProviderError) return err;
    throw err;
  }
  throw new Error('expected a ProviderError');
}

describe('docker driver inventory', () => {
  it('lists containers as machines over the unix socket, plain TCP and TLS alike', async () => {
    const tcp = createDockerDriver({
      credentials: {},
      config: { host: (sim.tcpUrl as string).replace('http:', 'tcp:') },
    });
    for (const d of [unix(), tcp, overTls()]) {
      await d.validate();
      const machines = await list(d);
      expect(machines.map((m) => m.name).sort()).toEqual(['idle', 'web']);
    }
    const web = (await byName(unix(), 'web')) as RemoteMachine;
    expect(web).toMatchObject({
      state: 'running',
      rawState: 'running',
      image: 'alpine:3.20',
      location: sim.socketPath,
      tags: { team: 'blue', 'com.example.tier': 'front' },
    });
    expect(web.privateIps[0]).toMatch(/^127\.1(6[89]|7[0-5])\./); // the bridge's block in the emulator
    expect(web.createdAt).toBeInstanceOf(Date);
    expect(web.extra).toMatchObject({
      host: sim.socketPath,
      ports: [{ privatePort: 80, publicPort: 8080, ip: '0.0.0.0', type: 'tcp' }],
      networks: { bridge: { ip: web.privateIps[0] } },
    });
    expect(await byName(unix(), 'idle')).toMatchObject({
      state: 'stopped',
      rawState: 'created',
      privateIps: [],
    });
  });

  it('lists images and volumes, and tells the engine facts', async () => {
    const d = unix();
    expect((await d.listImages()).map((i) => i.name)).toContain('alpine:3.20');
    const volumes = [];
    for await (const v of d.listVolumes(new AbortController().signal)) volumes.push(v);
    const web = await byName(d, 'web');
    expect(volumes).toEqual([
      expect.objectContaining({ name: 'webdata', state: 'in-use', attachedTo: [web?.externalId] }),
    ]);
    const facts = await d.facts();
    expect(facts).toMatchObject({
      version: '27.3.1',
      apiVersion: '1.47',
      cpus: 4,
      containers: { total: 2, running: 1 },
    });
  });
});

describe('docker driver actions', () => {
  it('stops, starts, restarts, pauses, unpauses, renames and removes', async () => {
    const d = unix();
    const c = sim.engine.createContainer({
      name: 'acted',
      image: 'alpine:3.20',
      anonymousVolumes: ['/cache'],
    });
    const id = c.id;
    await d.machineAction(id, 'start');
    expect((await byName(d, 'acted'))?.state).toBe('running');
    await d.machineAction(id, 'start'); // already running: no error
    await d.machineAction(id, 'stop');
    expect((await byName(d, 'acted'))?.state).toBe('stopped');
    await d.machineAction(id, 'stop');
    await d.machineAction(id, 'reboot');
    expect((await byName(d, 'acted'))?.rawState).toBe('running');
    await d.containerOp(id, 'pause');
    expect(await byName(d, 'acted')).toMatchObject({ state: 'stopped', rawState: 'paused' });
    expect((await failure(d.containerOp(id, 'pause'))).kind).toBe('conflict');
    await d.containerOp(id, 'unpause');
    expect((await byName(d, 'acted'))?.rawState).toBe('running');
    await d.machineAction(id, 'rename', { name: 'renamed' });
    expect((await byName(d, 'renamed'))?.externalId).toBe(id);
    const taken = await failure(d.machineAction(id, 'rename', { name: 'web' }));
    expect(taken.kind).toBe('conflict');
    expect(taken.message).toMatch(/already in use/);
    const anonymous = c.mounts[0]?.volume as string;
    expect(sim.engine.volumes.has(anonymous)).toBe(true);
    await d.removeContainer(id, { volumes: true });
    expect(await byName(d, 'renamed')).toBeUndefined();
    expect(sim.engine.volumes.has(anonymous)).toBe(false);
    expect((await failure(d.machineAction(id, 'start'))).kind).toBe('not-found');
  });

  it('keeps anonymous volumes on remove unless asked', async () => {
    const d = unix();
    const c = sim.engine.createContainer({ name: 'keeper', image: 'alpine:3.20', anonymousVolumes: ['/x'] });
    await d.machineAction(c.id, 'destroy');
    expect(sim.engine.volumes.has(c.mounts[0]?.volume as string)).toBe(true);
  });

  it('creates a container, pulling its image with progress', async () => {
    const d = unix();
    const progress: PullProgress[] = [];
    const m = await d.createContainer(
      {
        image: 'nginx:1.27',
        name: 'made',
        command: ['nginx', '-g', 'daemon off;'],
        env: { MODE: 'prod' },
        ports: ['8081:80', '127.0.0.1:9000:9000/udp', '443'],
        volumes: ['madedata:/var/www', '/scratch'],
        restartPolicy: 'unless-stopped',
        labels: { owner: 'ops' },
      },
      (p) => progress.push(p),
    );
    expect(m).toMatchObject({ name: 'made', state: 'running', image: 'nginx:1.27', tags: { owner: 'ops' } });
    expect(progress.some((p) => p.status === 'Downloading' && p.total && p.current)).toBe(true);
    expect(progress.at(-1)?.status).toMatch(/Downloaded newer image/);
    const c = sim.engine.container('made');
    expect(c).toMatchObject({
      cmd: ['nginx', '-g', 'daemon off;'],
      env: ['MODE=prod'],
      restartPolicy: { Name: 'unless-stopped' },
    });
    expect(c.ports).toEqual(
      expect.arrayContaining([
        { privatePort: 80, type: 'tcp', publicPort: 8081, hostIp: undefined },
        { privatePort: 9000, type: 'udp', publicPort: 9000, hostIp: '127.0.0.1' },
        { privatePort: 443, type: 'tcp', publicPort: undefined, hostIp: undefined },
      ]),
    );
    expect(c.mounts.map((x) => [x.volume === 'madedata', x.destination, x.anonymous])).toEqual([
      [true, '/var/www', false],
      [false, '/scratch', true],
    ]);
  });

  it('says why a create fails', async () => {
    const d = unix();
    const denied = await failure(d.createContainer({ image: 'no-such/thing:1' }));
    expect(denied.message).toMatch(/pull access denied for no-such\/thing/);
    expect((await failure(d.createContainer({ image: 'alpine:3.20', ports: ['99999:80'] }))).message).toMatch(
      /not a port mapping/,
    );
    expect(
      (await failure(d.createContainer({ image: 'alpine:3.20', volumes: ['relative'] }))).message,
    ).toMatch(/not a volume/);
    const dup = await failure(d.createContainer({ image: 'alpine:3.20', name: 'web' }));
    expect(dup.kind).toBe('conflict');
  });
});

describe('docker driver errors', () => {
  it('tells an unreachable engine apart', async () => {
    const missing = createDockerDriver({
      credentials: {},
      config: { host: `unix://${join(dir, 'nope.sock')}` },
    });
    const e1 = await failure(missing.validate());
    expect(e1).toMatchObject({ kind: 'unavailable', options: { code: 'engine_unreachable' } });
    expect(e1.message).toMatch(/No Docker socket at/);
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as { port: number }).port;
    await new Promise((r) => probe.close(r));
    const closed = createDockerDriver({ credentials: {}, config: { host: `tcp://127.0.0.1:${port}` } });
    const e2 = await failure(closed.validate());
    expect(e2).toMatchObject({ kind: 'unavailable', options: { code: 'engine_unreachable' } });
    expect(e2.message).toMatch(/cannot be reached \(ECONNREFUSED\)/);
  });

  it('tells wrong TLS material apart', async () => {
    const untrusted = await failure(overTls({ ...tls, ca: stranger.ca }).validate());
    expect(untrusted).toMatchObject({ kind: 'auth', options: { code: 'tls_server_untrusted' } });
    const refused = await failure(
      overTls({ ...tls, clientCert: stranger.clientCert, clientKey: stranger.clientKey }).validate(),
    );
    expect(refused).toMatchObject({ kind: 'auth', options: { code: 'tls_client_refused' } });
    const mismatched = await failure(overTls({ ...tls, clientKey: stranger.clientKey }).validate());
    expect(mismatched).toMatchObject({ kind: 'invalid', options: { code: 'tls_material_invalid' } });
    expect(() => overTls({ ...tls, clientKey: 'not a key' })).toThrow(/key.pem is not PEM text/);
    expect(() => overTls({ ca: tls.ca })).toThrow(/needs all three files/);
  });

  it('refuses bad addresses up front', () => {
    expect(() => createDockerDriver({ credentials: {}, config: {} })).toThrow(/engine address/);
    expect(() => createDockerDriver({ credentials: {}, config: { host: 'ftp://x' } })).toThrow(
      /not an engine address/,
    );
  });
});

describe('docker driver events and exec', () => {
  it('delivers container events and ends when the engine goes away', async () => {
    const d = unix();
    const events: EngineEvent[] = [];
    const controller = new AbortController();
    let opened = false;
    const watching = d.watchEvents(
      controller.signal,
      (e) => events.push(e),
      () => {
        opened = true;
      },
    );
    await expect.poll(() => sim.eventStreamCount()).toBe(1);
    expect(opened).toBe(true);
    sim.engine.stop('web');
    await expect.poll(() => events.map((e) => e.action)).toEqual(['kill', 'die', 'stop']);
    expect(events[0]?.id).toBe(sim.engine.container('web').id);
    sim.engine.start('web');
    // The engine goes away mid-stream: the watch ends, and a new one fails clearly until it is back.
    await sim.suspend();
    const lost = await failure(watching);
    expect(lost).toMatchObject({ kind: 'unavailable', options: { code: 'engine_unreachable' } });
    const again = await failure(d.watchEvents(controller.signal, () => {}));
    expect(again.options.code).toBe('engine_unreachable');
    await sim.resume();
    const second = new AbortController();
    const resumed = d.watchEvents(second.signal, (e) => events.push(e));
    await expect.poll(() => sim.eventStreamCount()).toBe(1);
    second.abort();
    await resumed;
  });

  it('opens a TTY shell through exec, resizes it, and refuses a stopped container', async () => {
    const d = unix();
    const web = sim.engine.container('web');
    const shell = await d.openShell(web.id, { cols: 100, rows: 30 }, ['sh']);
    let out = '';
    shell.stream.on('data', (c: Buffer) => {
      out += c.toString();
    });
    await expect.poll(() => out).toContain('/ # ');
    shell.stream.write('stty size\r');
    await expect.poll(() => out).toContain('30 100');
    await shell.resize(120, 40);
    shell.stream.write('stty size\r');
    shell.stream.write('hostname\r');
    await expect.poll(() => out).toContain(web.id.slice(0, 12));
    await expect.poll(() => out).toContain('40 120');
    shell.stream.write('exit 3\r');
    await new Promise((r) => shell.stream.once('end', r));
    expect(await shell.exitCode()).toBe(3);

    const idle = sim.engine.container('idle');
    const refused = await failure(d.openShell(idle.id, { cols: 80, rows: 24 }));
    expect(refused.kind).toBe('conflict');
    expect(refused.message).toMatch(/is not running/);
  });
});

describe('docker driver through an SSH host', () => {
  let sshd: SshdHandle;
  let privateKey: string;
  beforeAll(async () => {
    const key = await generateKeyPair();
    privateKey = key.privateKey;
    sshd = await startSshd({ authorizedKeys: [key.publicKey] });
  });
  afterAll(async () => {
    await sshd?.stop();
  });

  const viaSsh = (extra: Record<string, unknown> = {}, key = privateKey) =>
    createDockerDriver({
      credentials: { privateKey: key },
      config: { host: `ssh://${sshd.user}@127.0.0.1:${sshd.port}`, socketPath: sim.socketPath, ...extra },
    });

  it('reaches the engine socket forwarded over SSH: inventory, actions, events and exec', async () => {
    const d = viaSsh({ hostKeyFingerprint: sshd.hostKeyFingerprint });
    await d.validate();
    expect((await list(d)).map((m) => m.name)).toContain('web');
    const web = sim.engine.container('web');
    const events: EngineEvent[] = [];
    const controller = new AbortController();
    const watching = d.watchEvents(controller.signal, (e) => events.push(e));
    await expect.poll(() => sim.eventStreamCount()).toBe(1);
    await d.machineAction(web.id, 'reboot');
    await expect.poll(() => events.map((e) => e.action)).toContain('restart');
    const shell = await d.openShell(web.id, { cols: 90, rows: 20 }, ['sh']);
    let out = '';
    shell.stream.on('data', (c: Buffer) => {
      out += c.toString();
    });
    shell.stream.write('stty size\r');
    await expect.poll(() => out).toContain('20 90');
    shell.stream.write('exit\r');
    controller.abort();
    await watching;
    await d.close();
  });

  it('says what is wrong with the SSH side', async () => {
    const wrongKey = (await generateKeyPair()).privateKey;
    expect((await failure(viaSsh({}, wrongKey).validate())).kind).toBe('auth');
    const pinned = await failure(
      viaSsh({ hostKeyFingerprint: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }).validate(),
    );
    expect(pinned.options.code).toBe('host-key-mismatch');
    const nosocket = await failure(viaSsh({ socketPath: '/nonexistent/docker.sock' }).validate());
    expect(nosocket.message).toMatch(/did not open \/nonexistent\/docker.sock/);
    expect(() => createDockerDriver({ credentials: {}, config: { host: 'ssh://root@h' } })).toThrow(
      /private key/,
    );
  });
});
