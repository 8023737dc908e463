// The driver against the EC2 emulator: pagination, lifecycle, key pairs, volumes, faults.

import {
  type ProviderDriver,
  ProviderError,
  type RemoteMachine,
  type RemoteVolume,
} from '@overcast/contracts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
// Test-only reach into the emulator package (providers depends on contracts only).
import { EC2_SIM_ACCESS_KEY_ID, type Ec2Sim, startEc2Sim } from '../../../cloud-sim/src/ec2/index';
import { createAwsDriver } from './index';

const SECRET = 'any-secret';

function driverFor(
  sim: Ec2Sim,
  config: Record<string, unknown> = {},
  accessKeyId = EC2_SIM_ACCESS_KEY_ID,
): ProviderDriver {
  return createAwsDriver({
    credentials: { accessKeyId, secretAccessKey: SECRET },
    endpoint: sim.url,
    config: { retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2000 }, ...config },
  });
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** A clock the test moves: transitions happen exactly when the test says. */
function manualClock() {
  let now = Date.parse('2026-06-01T12:00:00Z');
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('listing through the emulator', () => {
  let sim: Ec2Sim;
  beforeAll(async () => {
    sim = await startEc2Sim({
      seed: { machines: 2500, seed: 7 },
      regions: ['us-east-1', 'eu-west-1'],
      transitionMs: 0,
    });
  });
  afterAll(() => sim.close());

  it('pages through every region with MaxResults/NextToken and maps each machine', async () => {
    const driver = driverFor(sim, { pageSize: { instances: 100 } });
    const before = sim.knobs.requests;
    const machines = await collect(driver.listMachines(new AbortController().signal));
    expect(machines).toHaveLength(2500);
    expect(new Set(machines.map((m) => m.externalId))).toEqual(new Set(sim.state.instances.keys()));
    // 1 DescribeRegions + 13 pages of 100 for each region's 1250 instances.
    expect(sim.knobs.requests - before).toBe(1 + 2 * 13);

    const sample = machines[1234]!;
    const instance = sim.state.instances.get(sample.externalId)!;
    expect(sample).toMatchObject<Partial<RemoteMachine>>({
      name: instance.tags.get('Name'),
      rawState: instance.state,
      size: instance.instanceType,
      image: instance.imageId,
      location: instance.zone,
      privateIps: [instance.privateIp],
      publicIps: instance.publicIp ? [instance.publicIp] : [],
      tags: Object.fromEntries(instance.tags),
    });
    expect(sample.extra).toMatchObject({ region: instance.region, vpcId: instance.vpcId, keyName: 'ops' });
    const states = new Set(machines.map((m) => m.state));
    expect(states).toEqual(new Set(['running', 'stopped', 'terminated']));
  });

  it('asks the next regions while one is read, keeping region order', async () => {
    const regions = ['us-east-1', 'eu-west-1'];
    const list = async (concurrency: number) => {
      const started = performance.now();
      const ids = (
        await collect(driverFor(sim, { regions, concurrency }).listMachines(new AbortController().signal))
      ).map((m) => `${m.extra.region}/${m.externalId}`);
      return { ids, ms: performance.now() - started };
    };
    sim.knobs.latencyMs = 1_000;
    try {
      // Two regions of two pages (1250 instances, 1000 a page): one region after the other,
      // at least 4 x 1 s; side by side, the second region's pages overlap the first's (about
      // 2 s saved; the margin is wide so a busy machine cannot fail it).
      const serial = await list(1);
      expect(serial.ms).toBeGreaterThanOrEqual(4_000);
      const ahead = await list(2);
      expect(ahead.ids).toEqual(serial.ids);
      expect(ahead.ids).toHaveLength(2500);
      expect(ahead.ms).toBeLessThan(serial.ms - 1_000);
    } finally {
      sim.knobs.latencyMs = 0;
    }
  });

  it('stops with the abort reason when the signal aborts', async () => {
    const driver = driverFor(sim, { regions: ['us-east-1'], pageSize: { instances: 50 } });
    const controller = new AbortController();
    let seen = 0;
    const run = (async () => {
      for await (const _ of driver.listMachines(controller.signal)) {
        seen += 1;
        if (seen === 120) controller.abort(new Error('enough'));
      }
    })();
    await expect(run).rejects.toThrow('enough');
    expect(seen).toBeLessThanOrEqual(150);
  });

  it('lists volumes of every region, root volumes attached to their instances', async () => {
    const driver = driverFor(sim, { pageSize: { volumes: 200 } });
    const volumes = await collect(driver.listVolumes(new AbortController().signal));
    expect(volumes).toHaveLength(sim.state.volumes.size);
    const root = volumes.find((v) => v.attachedTo.length > 0)!;
    const instance = sim.state.instances.get(root.attachedTo[0]!)!;
    expect(root).toMatchObject<Partial<RemoteVolume>>({
      state: 'in-use',
      location: instance.zone,
      sizeGb: expect.any(Number),
    });
    expect(root.extra).toMatchObject({ volumeType: 'gp3', region: instance.region });
  });

  it('reads sizes (paged), images and locations of the chosen regions', async () => {
    const driver = driverFor(sim, { pageSize: { instanceTypes: 5 } });
    const sizes = await driver.listSizes();
    const t3micro = sizes.find((s) => s.externalId === 't3.micro');
    expect(t3micro).toMatchObject({ name: 't3.micro', cpus: 2, memoryMb: 1024, diskGb: null, locations: [] });
    expect(sizes.find((s) => s.externalId === 'm5d.large')).toMatchObject({
      cpus: 2,
      memoryMb: 8192,
      diskGb: 75,
    });
    expect(sizes.find((s) => s.externalId === 't4g.micro')?.extra.architectures).toEqual(['arm64']);

    const images = await driver.listImages();
    const names = images.map((i) => i.name);
    expect(names).toContain('overcast-base-2026-01');
    expect(images.find((i) => i.name.includes('ubuntu-noble-24.04-amd64'))).toMatchObject({
      os: 'ubuntu',
      isPublic: true,
    });
    expect(images.find((i) => i.name.startsWith('debian-12'))?.os).toBe('debian');
    expect(images.find((i) => i.name.startsWith('al2023'))?.os).toBe('amazon-linux');
    // Windows images belong to an owner the default owner list leaves out.
    expect(images.some((i) => i.os === 'windows')).toBe(false);
    expect(new Set(images.map((i) => i.extra.region))).toEqual(new Set(['eu-west-1', 'us-east-1']));

    const locations = await driver.listLocations();
    expect(locations.map((l) => l.externalId)).toEqual([
      'eu-west-1a',
      'eu-west-1b',
      'eu-west-1c',
      'us-east-1a',
      'us-east-1b',
      'us-east-1c',
      'us-east-1d',
    ]);
    expect(locations[0]).toMatchObject({ country: 'IE', extra: { region: 'eu-west-1', zoneId: 'euw1-az1' } });
  });

  it('names the zones offering a size when a chosen region lacks it', async () => {
    const small = await startEc2Sim({ regions: ['us-east-1', 'sa-east-1'] });
    try {
      const sizes = await driverFor(small).listSizes();
      expect(sizes.find((s) => s.externalId === 'i3.large')).toMatchObject({
        locations: ['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1d'],
        extra: { regions: ['us-east-1'] },
      });
      expect(sizes.find((s) => s.externalId === 'm5.large')?.locations).toEqual([]);
    } finally {
      await small.close();
    }
  });
});

describe('machine lifecycle through the emulator', () => {
  const clock = manualClock();
  let sim: Ec2Sim;
  let driver: ProviderDriver;
  beforeAll(async () => {
    sim = await startEc2Sim({
      regions: ['us-east-1', 'eu-west-1'],
      transitionMs: 1000,
      terminatedRetentionMs: 60_000,
      now: clock.now,
    });
    driver = driverFor(sim);
  });
  afterAll(() => sim.close());

  async function machine(id: string): Promise<RemoteMachine | undefined> {
    const all = await collect(driver.listMachines(new AbortController().signal));
    return all.find((m) => m.externalId === id);
  }

  const ubuntu = () =>
    sim.state.regions.get('eu-west-1')!.images.find((i) => i.name.includes('ubuntu-noble-24.04-amd64'))!.id;
  const keyA = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEtWRBDdVfVNmfUcBZ9vVyZkDgnmI6Oc1jWZ7Yh8JXvA a@example';
  const keyB = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIC0Jd/9YhTm2ZLqXgHGe0o7lDCr3KUaP7HQXv2rqb6+2 b@example';

  it('creates a machine with key pair, tags and user data, then walks every action', async () => {
    const created = await driver.createMachine({
      name: 'web-1',
      size: 't3.micro',
      image: ubuntu(),
      location: 'eu-west-1b',
      sshKey: { name: 'deploy', publicKey: keyA },
      tags: { env: 'prod' },
      userData: '#!/bin/sh\necho hello\n',
    });
    expect(created).toMatchObject({
      name: 'web-1',
      state: 'pending',
      rawState: 'pending',
      location: 'eu-west-1b',
    });
    expect(created.tags).toEqual({ env: 'prod', Name: 'web-1' });
    const id = created.externalId;
    const instance = sim.state.instances.get(id)!;
    expect(instance.region).toBe('eu-west-1');
    expect(instance.keyName).toBe('deploy');
    expect(Buffer.from(instance.userData!, 'base64').toString()).toBe('#!/bin/sh\necho hello\n');
    const keyPair = sim.state.regions.get('eu-west-1')!.keyPairs.get('deploy')!;
    expect(keyPair.publicKey).toBe(keyA.split(' ').slice(0, 2).join(' '));
    // The root volume carries the machine's name too.
    expect(sim.state.volumes.get(instance.volumeIds[0]!)?.tags.get('Name')).toBe('web-1');

    clock.advance(1000);
    expect(await machine(id)).toMatchObject({ state: 'running', publicIps: [expect.any(String)] });

    await driver.machineAction(id, 'stop');
    expect(await machine(id)).toMatchObject({ state: 'stopped', rawState: 'stopping' });
    clock.advance(1000);
    expect(await machine(id)).toMatchObject({ state: 'stopped', rawState: 'stopped', publicIps: [] });

    await driver.machineAction(id, 'start');
    expect(await machine(id)).toMatchObject({ state: 'pending', rawState: 'pending' });
    clock.advance(1000);
    expect(await machine(id)).toMatchObject({ state: 'running' });

    await driver.machineAction(id, 'reboot');
    expect(sim.state.instances.get(id)?.reboots).toBe(1);
    expect(await machine(id)).toMatchObject({ state: 'running' });

    await driver.machineAction(id, 'rename', { name: 'web-renamed' });
    expect(await machine(id)).toMatchObject({
      name: 'web-renamed',
      tags: { Name: 'web-renamed', env: 'prod' },
    });

    await driver.machineAction(id, 'destroy');
    expect(await machine(id)).toMatchObject({ state: 'terminated', rawState: 'shutting-down' });
    clock.advance(1000);
    expect(await machine(id)).toMatchObject({ state: 'terminated', rawState: 'terminated', privateIps: [] });
    clock.advance(60_000);
    expect(await machine(id)).toBeUndefined();
  });

  it('reuses a key pair holding the same key and never overwrites another key of that name', async () => {
    const region = sim.state.regions.get('eu-west-1')!;
    const spec = { size: 't3.micro', image: ubuntu(), location: 'eu-west-1a' };
    await driver.createMachine({ ...spec, name: 'a', sshKey: { name: 'deploy', publicKey: keyA } });
    expect([...region.keyPairs.keys()]).toEqual(['deploy']);
    const other = await driver.createMachine({
      ...spec,
      name: 'b',
      sshKey: { name: 'deploy', publicKey: keyB },
    });
    const keyName = sim.state.instances.get(other.externalId)!.keyName!;
    expect(keyName).toMatch(/^deploy-[0-9a-f]{8}$/);
    expect(region.keyPairs.get('deploy')?.publicKey).toContain(keyA.split(' ')[1]);
    expect(region.keyPairs.get(keyName)?.publicKey).toContain(keyB.split(' ')[1]);
  });

  it('notices changes made outside (console) on the next listing', async () => {
    const [instance] = sim.console.launch('us-east-1', {
      imageId: sim.state.regions.get('us-east-1')!.images[0]!.id,
      instanceType: 't3.small',
      tags: new Map([['Name', 'console-made']]),
    });
    const id = instance!.id;
    expect(await machine(id)).toMatchObject({ name: 'console-made', state: 'pending' });
    sim.console.setState(id, 'stopped');
    sim.console.rename(id, 'renamed-in-console');
    expect(await machine(id)).toMatchObject({ name: 'renamed-in-console', state: 'stopped' });
    sim.console.remove(id);
    expect(await machine(id)).toBeUndefined();
  });

  it('finds the region of an instance it has not listed, and reports unknown ids as not-found', async () => {
    const [instance] = sim.console.launch('us-east-1', {
      imageId: sim.state.regions.get('us-east-1')!.images[0]!.id,
    });
    clock.advance(1000);
    const fresh = driverFor(sim);
    await fresh.machineAction(instance!.id, 'stop');
    expect(sim.state.instances.get(instance!.id)?.state).toBe('stopping');
    const missing = await fresh.machineAction('i-0123456789abcdef0', 'start').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ProviderError);
    expect(missing).toMatchObject({
      kind: 'not-found',
      message: "The instance ID 'i-0123456789abcdef0' does not exist",
      options: { code: 'InvalidInstanceID.NotFound' },
    });
  });

  it('maps refused operations: bad image to invalid, wrong state to conflict', async () => {
    const bad = await driver
      .createMachine({ name: 'x', size: 't3.micro', image: 'ami-0000000000000000f', location: 'eu-west-1a' })
      .catch((e: unknown) => e);
    expect(bad).toMatchObject({ kind: 'not-found', options: { code: 'InvalidAMIID.NotFound' } });
    const wrongType = await driver
      .createMachine({ name: 'x', size: 'nope.large', image: ubuntu(), location: 'eu-west-1a' })
      .catch((e: unknown) => e);
    expect(wrongType).toMatchObject({
      kind: 'invalid',
      message: "Invalid value 'nope.large' for InstanceType.",
    });
    const created = await driver.createMachine({
      name: 'c',
      size: 't3.micro',
      image: ubuntu(),
      location: 'eu-west-1a',
    });
    await driver.machineAction(created.externalId, 'destroy');
    const conflict = await driver.machineAction(created.externalId, 'start').catch((e: unknown) => e);
    expect(conflict).toMatchObject({ kind: 'conflict', options: { code: 'IncorrectInstanceState' } });
    const unknownZone = await driver
      .createMachine({ name: 'x', size: 't3.micro', image: ubuntu(), location: 'mars-1a' })
      .catch((e: unknown) => e);
    expect(unknownZone).toMatchObject({ kind: 'invalid' });
  });

  it('creates, attaches, detaches and deletes a volume', async () => {
    const host = await driver.createMachine({
      name: 'host',
      size: 't3.micro',
      image: ubuntu(),
      location: 'eu-west-1c',
    });
    clock.advance(1000);
    const created = (await driver.volumeAction({
      op: 'create',
      name: 'data',
      sizeGb: 20,
      location: 'eu-west-1c',
    })) as RemoteVolume;
    expect(created).toMatchObject({
      name: 'data',
      sizeGb: 20,
      state: 'creating',
      location: 'eu-west-1c',
      attachedTo: [],
    });
    expect(created.extra).toMatchObject({ volumeType: 'gp3', region: 'eu-west-1' });
    const id = created.externalId;
    const volume = async () =>
      (await collect(driver.listVolumes(new AbortController().signal))).find((v) => v.externalId === id);

    clock.advance(1000);
    expect(await volume()).toMatchObject({ state: 'available' });
    await driver.volumeAction({ op: 'attach', volumeId: id, machineId: host.externalId });
    expect(await volume()).toMatchObject({ state: 'in-use', attachedTo: [host.externalId] });
    expect(sim.state.volumes.get(id)?.attachment).toMatchObject({ device: '/dev/sdf', status: 'attaching' });
    clock.advance(1000);
    // Reading the state directly: apply due transitions as a request would.
    sim.state.settle();
    expect(sim.state.volumes.get(id)?.attachment?.status).toBe('attached');

    const inUse = await driver.volumeAction({ op: 'delete', volumeId: id }).catch((e: unknown) => e);
    expect(inUse).toMatchObject({ kind: 'conflict', options: { code: 'VolumeInUse' } });

    await driver.volumeAction({ op: 'detach', volumeId: id, machineId: host.externalId });
    clock.advance(1000);
    expect(await volume()).toMatchObject({ state: 'available', attachedTo: [] });

    await driver.volumeAction({ op: 'delete', volumeId: id });
    expect(await volume()).toMatchObject({ state: 'deleting' });
    clock.advance(1000);
    expect(await volume()).toBeUndefined();
  });
});

describe('failures through the emulator', () => {
  let sim: Ec2Sim;
  beforeAll(async () => {
    sim = await startEc2Sim({ regions: ['us-east-1'], transitionMs: 0 });
  });
  afterEach(() => {
    sim.knobs.clearFaults();
    sim.knobs.hangMs = 0;
  });
  afterAll(() => sim.close());

  it('rejects unknown keys with auth and AWS own words', async () => {
    const error = await driverFor(sim, {}, 'AKIDWRONG')
      .validate()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({
      kind: 'auth',
      message: 'AWS was not able to validate the provided access credentials',
      options: { status: 401, code: 'AuthFailure' },
    });
    await expect(driverFor(sim).validate()).resolves.toBeUndefined();
  });

  it('retries a throttling burst, waiting as long as Retry-After says', async () => {
    sim.knobs.burst({ status: 429, count: 2, retryAfterSeconds: 0.3 });
    const driver = driverFor(sim, { retry: { attempts: 4, baseDelayMs: 1, maxDelayMs: 5000 } });
    const before = sim.knobs.requests;
    const started = Date.now();
    await expect(driver.validate()).resolves.toBeUndefined();
    expect(sim.knobs.requests - before).toBe(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(550);
  });

  it('reports throttling that outlasts the retries as throttled with its Retry-After', async () => {
    sim.knobs.burst({ status: 429, count: 5, retryAfterSeconds: 0.01 });
    const error = await driverFor(sim, { retry: { attempts: 2, baseDelayMs: 1 } })
      .validate()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      kind: 'throttled',
      message: 'Request limit exceeded.',
      retryAfterMs: 10,
      options: { status: 503, code: 'RequestLimitExceeded' },
    });
  });

  it('surfaces a 500 burst longer than the retry budget as unavailable', async () => {
    sim.knobs.burst({ status: 500, count: 10 });
    const before = sim.knobs.requests;
    const error = await driverFor(sim, { retry: { attempts: 3, baseDelayMs: 1 } })
      .validate()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      kind: 'unavailable',
      message: 'An internal error has occurred',
      options: { status: 500, code: 'InternalError' },
    });
    expect(sim.knobs.requests - before).toBe(3);
  });

  it('treats 503 Unavailable and a bare 502 from a proxy as unavailable, and recovers', async () => {
    sim.knobs.burst({ status: 503, count: 1 });
    sim.knobs.burst({ status: 502, count: 1 });
    const driver = driverFor(sim, { retry: { attempts: 3, baseDelayMs: 1 } });
    await expect(driver.validate()).resolves.toBeUndefined();
    sim.knobs.burst({ status: 502, count: 1 });
    const error = await driverFor(sim, { retry: { attempts: 1 } })
      .validate()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'unavailable', options: { status: 502 } });
  });

  it('times out a hanging endpoint as unavailable', async () => {
    sim.knobs.hangMs = 5000;
    const driver = driverFor(sim, { requestTimeoutMs: 200, retry: { attempts: 2, baseDelayMs: 1 } });
    const started = Date.now();
    const error = await driver.validate().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'unavailable' });
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
