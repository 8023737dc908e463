import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DockerSim, startDockerSim } from './index';

let sim: DockerSim;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'docker-sim-'));
  sim = await startDockerSim({ socketPath: join(dir, 'docker.sock'), tcpPort: 0, pullStepMs: 1 });
  sim.engine.addImage('alpine:3.20');
});
afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

/** One request over the unix socket, the way the docker CLI talks to the engine. */
// biome-ignore lint/suspicious/noExplicitAny: engine answers of many shapes, each test checks its own.
type Answer = { status: number; text: string; json: any };

function call(method: string, path: string, body?: unknown): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: sim.socketPath as string, method, path }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, text, json });
      });
    });
    req.on('error', reject);
    if (body !== undefined) {
      req.setHeader('content-type', 'application/json');
      req.end(JSON.stringify(body));
    } else req.end();
  });
}

describe('Docker Engine API emulator', () => {
  it('answers versioned and unversioned paths, and refuses versions it does not speak', async () => {
    expect((await call('GET', '/_ping')).text).toBe('OK');
    expect((await call('GET', '/v1.47/version')).json).toMatchObject({
      ApiVersion: '1.47',
      MinAPIVersion: '1.24',
    });
    const tooNew = await call('GET', '/v1.99/containers/json');
    expect(tooNew.status).toBe(400);
    expect(tooNew.json.message).toBe('client version 1.99 is too new. Maximum supported API version is 1.47');
    expect((await call('GET', '/v1.12/info')).status).toBe(400);
    const tcp = await fetch(`${sim.tcpUrl}/v1.43/info`);
    expect(await tcp.json()).toMatchObject({ NCPU: 4, OSType: 'linux' });
  });

  it('creates, lists, inspects and removes containers with the engine’s status codes', async () => {
    const created = await call('POST', '/v1.47/containers/create?name=api', {
      Image: 'alpine:3.20',
      Cmd: ['sleep', 'infinity'],
      ExposedPorts: { '80/tcp': {} },
      HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }] }, Binds: ['data:/data'] },
      Volumes: { '/cache': {} },
    });
    expect(created.status).toBe(201);
    const id = created.json.Id as string;
    expect((await call('GET', '/v1.47/containers/json')).json).toEqual([]);
    expect((await call('POST', `/v1.47/containers/${id}/start`)).status).toBe(204);
    expect((await call('POST', `/v1.47/containers/${id}/start`)).status).toBe(304);
    const [listed] = (await call('GET', '/v1.47/containers/json')).json;
    expect(listed).toMatchObject({
      Id: id,
      Names: ['/api'],
      State: 'running',
      Ports: [{ IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' }],
    });
    expect(listed.NetworkSettings.Networks.bridge.IPAddress).toMatch(/^127\.1(6[89]|7[0-5])\./);
    const inspected = (await call('GET', `/v1.47/containers/${id.slice(0, 12)}/json`)).json;
    expect(inspected).toMatchObject({ Name: '/api', State: { Running: true, Status: 'running' } });
    expect((await call('POST', `/v1.47/containers/${id}/unpause`)).json.message).toMatch(/is not paused/);
    const busy = await call('DELETE', `/v1.47/containers/${id}`);
    expect(busy.status).toBe(409);
    expect(busy.json.message).toMatch(/stop the container before removing or force remove/);
    const volumeInUse = await call('DELETE', '/v1.47/volumes/data');
    expect(volumeInUse.status).toBe(409);
    expect((await call('DELETE', `/v1.47/containers/${id}?force=1&v=1`)).status).toBe(204);
    expect((await call('GET', `/v1.47/containers/${id}/json`)).json.message).toBe(`No such container: ${id}`);
    // The named volume stays, the anonymous one went with the container.
    const volumes = (await call('GET', '/v1.47/volumes')).json.Volumes.map((v: { Name: string }) => v.Name);
    expect(volumes).toEqual(['data']);
  });

  it('lists only the containers its filters name, as the engine does, and refuses an unknown filter', async () => {
    const make = async (name: string, labels: Record<string, string>) =>
      (await call('POST', `/v1.47/containers/create?name=${name}`, { Image: 'alpine:3.20', Labels: labels }))
        .json.Id as string;
    const web = await make('shop-web', { stack: 'shop', role: 'web' });
    const cache = await make('shop-cache', { stack: 'shop', role: 'cache' });
    const other = await make('other', {});
    await call('POST', `/v1.47/containers/${cache}/start`);
    const names = async (filters: unknown) =>
      (
        await call(
          'GET',
          `/v1.47/containers/json?all=1&filters=${encodeURIComponent(JSON.stringify(filters))}`,
        )
      ).json
        .map((c: { Names: string[] }) => c.Names[0])
        .sort();
    // By id (a prefix too), name, labels (all of them) and status.
    expect(await names({ id: [web] })).toEqual(['/shop-web']);
    expect(await names({ id: [cache.slice(0, 12), other] })).toEqual(['/other', '/shop-cache']);
    expect(await names({ name: ['^/shop-'] })).toEqual(['/shop-cache', '/shop-web']);
    expect(await names({ label: ['stack=shop', 'role=web'] })).toEqual(['/shop-web']);
    expect(await names({ label: { role: true } })).toEqual(['/shop-cache', '/shop-web']);
    expect(await names({ status: ['running'] })).toEqual(['/shop-cache']);
    const refused = await call(
      'GET',
      `/v1.47/containers/json?filters=${encodeURIComponent('{"colour":["red"]}')}`,
    );
    expect([refused.status, refused.json.message]).toEqual([400, "invalid filter 'colour'"]);
    for (const id of [web, cache, other]) await call('DELETE', `/v1.47/containers/${id}?force=1`);
  });

  it('streams pull progress, and says when an image cannot be pulled', async () => {
    const pulled = await call('POST', '/v1.47/images/create?fromImage=busybox&tag=latest');
    const lines = pulled.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0]).toEqual({ status: 'Pulling from library/busybox', id: 'latest' });
    expect(lines.filter((l) => l.status === 'Downloading')).toHaveLength(5);
    expect(lines.at(-1)).toEqual({ status: 'Status: Downloaded newer image for busybox:latest' });
    const denied = await call('POST', '/v1.47/images/create?fromImage=nope/nothing&tag=1');
    expect(denied.status).toBe(404);
    expect(denied.json.message).toMatch(/^pull access denied for nope\/nothing/);
    const images = (await call('GET', '/v1.47/images/json')).json.map(
      (i: { RepoTags: string[] }) => i.RepoTags[0],
    );
    expect(images).toContain('busybox:latest');
  });

  it('replays events since a time, filtered by type', async () => {
    const since = Math.floor(Date.now() / 1000) - 60;
    const until = Math.floor(Date.now() / 1000) + 1;
    await new Promise((r) => setTimeout(r, 1100));
    const filters = encodeURIComponent(JSON.stringify({ type: ['container'], event: ['start'] }));
    const res = await call('GET', `/v1.47/events?since=${since}&until=${until}&filters=${filters}`);
    const events = res.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.Type === 'container' && e.Action === 'start')).toBe(true);
    expect(events[0]).toMatchObject({
      status: 'start',
      scope: 'local',
      Actor: { Attributes: { name: 'api' } },
    });
  });

  it('runs a non-TTY exec with multiplexed output when the stream is not hijacked', async () => {
    const c = sim.engine.createContainer({ name: 'exec-target', image: 'alpine:3.20', env: ['GREETING=hi'] });
    sim.engine.start(c.id);
    const exec = await call('POST', `/v1.47/containers/${c.id}/exec`, {
      AttachStdout: true,
      Cmd: ['echo', '$GREETING', 'there'],
    });
    expect(exec.status).toBe(201);
    const started = await call('POST', `/v1.47/exec/${exec.json.Id}/start`, { Detach: false, Tty: false });
    const raw = Buffer.from(started.text);
    expect(raw[0]).toBe(1);
    expect(raw.readUInt32BE(4)).toBe('hi there\n'.length);
    expect(raw.subarray(8).toString()).toBe('hi there\n');
    expect((await call('GET', `/v1.47/exec/${exec.json.Id}/json`)).json).toMatchObject({
      Running: false,
      ExitCode: 0,
    });
    sim.engine.pause(c.id);
    const paused = await call('POST', `/v1.47/containers/${c.id}/exec`, { Cmd: ['sh'] });
    expect(paused.status).toBe(409);
    expect(paused.json.message).toMatch(/is paused, unpause the container before exec/);
  });
});
