import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DockerSim, startDockerSim } from '../../../cloud-sim/src/docker/index';
import { failure } from '../common/test-support/failure';
import { createDockerDriver } from './index';

// The engine's networks through dockerode against the Docker emulator's Engine API: the
// predefined bridge, host and none, a user network with a running and a stopped container.

let sim: DockerSim;
let dir: string;
let web: string;
let worker: string;
let stray: string;
const signal = () => new AbortController().signal;
const driver = () => createDockerDriver({ credentials: {}, config: { host: `unix://${sim.socketPath}` } });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'overcast-docker-net-'));
  sim = await startDockerSim({ socketPath: join(dir, 'docker.sock') });
  const { engine } = sim;
  engine.addImage('alpine:3.20');
  engine.networks.create({ name: 'backend', subnet: '10.30.0.0/24', labels: { team: 'blue' } });
  web = engine.createContainer({ name: 'web', image: 'alpine:3.20' }).id;
  engine.start(web);
  worker = engine.createContainer({ name: 'worker', image: 'alpine:3.20', networkMode: 'backend' }).id;
  engine.start(worker);
  stray = engine.createContainer({ name: 'stray', image: 'alpine:3.20', networkMode: 'backend' }).id;
});
afterAll(async () => {
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Docker networks', () => {
  it("lists the engine's own networks and user networks with their subnet and containers", async () => {
    const networks = await driver().listNetworks(signal());
    const byName = Object.fromEntries(networks.map((n) => [n.name, n]));
    expect(Object.keys(byName).sort()).toEqual(['backend', 'bridge', 'host', 'none']);
    expect(byName.bridge).toMatchObject({ isDefault: true, machineIds: [web], extra: { driver: 'bridge' } });
    expect(byName.bridge?.cidr).toMatch(/^127\.\d+\.0\.0\/16$/);
    expect(byName.host).toMatchObject({
      isDefault: true,
      cidr: null,
      machineIds: [],
      extra: { driver: 'host' },
    });
    expect(byName.none).toMatchObject({ isDefault: true, cidr: null, extra: { driver: 'null' } });
    expect(byName.backend).toMatchObject({
      cidr: '10.30.0.0/24',
      isDefault: false,
      // The stopped container is attached too.
      machineIds: [stray, worker].sort(),
      tags: { team: 'blue' },
      extra: { driver: 'bridge', gateway: '10.30.0.1', internal: false },
    });
    await expect(driver().listSubnets(signal())).resolves.toEqual([]);
  });

  it('creates a bridge network on a subnet, and the engine keeps it', async () => {
    const created = await driver().createNetwork({ name: 'lab', cidr: '10.40.0.0/16', region: null });
    expect(created).toMatchObject({ name: 'lab', cidr: '10.40.0.0/16', isDefault: false, machineIds: [] });
    expect(created.externalId).toMatch(/^[0-9a-f]{64}$/);
    const listed = (await driver().listNetworks(signal())).find((n) => n.name === 'lab');
    expect(listed?.externalId).toBe(created.externalId);
  });

  it("refuses a taken name, an overlapping subnet and a hostile name with the engine's reasons", async () => {
    const taken = await failure(
      driver().createNetwork({ name: 'backend', cidr: '10.50.0.0/24', region: null }),
    );
    expect(taken.message).toMatch(/already exists/);
    const overlap = await failure(
      driver().createNetwork({ name: 'again', cidr: '10.30.0.0/16', region: null }),
    );
    expect(overlap.message).toMatch(/overlaps/);
    const hostile = await failure(
      driver().createNetwork({ name: '../x\n', cidr: '10.60.0.0/24', region: null }),
    );
    expect(hostile.kind).toBe('invalid');
    expect(sim.engine.networks.byId.size).toBe(5);
  });

  it('deletes an unused network, and refuses one with containers or one of the engine', async () => {
    const lab = (await driver().listNetworks(signal())).find((n) => n.name === 'lab');
    await driver().deleteNetwork(lab?.externalId as string);
    expect([...sim.engine.networks.byId.values()].map((n) => n.name)).not.toContain('lab');

    const backend = sim.engine.networks.find('backend');
    const inUse = await failure(driver().deleteNetwork(backend.id));
    expect(inUse.kind).toBe('conflict');
    expect(inUse.message).toMatch(/backend has 2 container/);
    const own = await failure(driver().deleteNetwork(sim.engine.networks.find('bridge').id));
    expect(own.message).toMatch(/engine's own/);
    const missing = await failure(driver().deleteNetwork('f'.repeat(64)));
    expect(missing.kind).toBe('not-found');
  });
});

describe('the emulated Engine API', () => {
  it('inspects a network with the endpoints of its running containers, and refuses to remove it', async () => {
    const id = sim.engine.networks.find('backend').id;
    const res = await unixRequest('GET', `/v1.47/networks/${id}`);
    expect(res.status).toBe(200);
    const body = JSON.parse(res.body);
    expect(Object.keys(body.Containers)).toEqual([worker]);
    expect(body.Containers[worker].IPv4Address).toMatch(/^10\.30\.0\.\d+\/16$/);
    const del = await unixRequest('DELETE', `/v1.47/networks/${id}`);
    expect(del.status).toBe(403);
    expect(JSON.parse(del.body).message).toMatch(/has active endpoints/);
    expect((await unixRequest('DELETE', '/v1.47/networks/host')).status).toBe(403);
    expect((await unixRequest('GET', '/v1.47/networks/nope')).status).toBe(404);
  });
});

/** One raw request to the emulator's socket, to see the Engine API's own answers. */
function unixRequest(method: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: sim.socketPath as string, path, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
