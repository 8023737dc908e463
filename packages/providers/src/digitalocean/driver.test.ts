// The driver against the DigitalOcean emulator: paging, lifecycle, create, volumes, failures.

import { generateKeyPairSync } from 'node:crypto';
import {
  type ProviderDriver,
  ProviderError,
  type RemoteMachine,
  type RemoteVolume,
} from '@overcast/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DigitalOceanSim, startDigitalOceanSim } from '../../../cloud-sim/src/digitalocean/index';
import { createDigitalOceanDriver } from './index';

const FAST = { retryBaseDelayMs: 5, retryMaxDelayMs: 50, actionPollMs: 5, shutdownWaitMs: 2_000 };

function sshPublicKey(comment: string): string {
  const der = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' });
  const type = Buffer.from('ssh-ed25519');
  const raw = der.subarray(der.length - 32);
  const blob = Buffer.concat([Buffer.from([0, 0, 0, type.length]), type, Buffer.from([0, 0, 0, 32]), raw]);
  return `ssh-ed25519 ${blob.toString('base64')} ${comment}`;
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('DigitalOcean driver on the emulator', () => {
  let sim: DigitalOceanSim;
  const driver = (token: string, config: Record<string, unknown> = {}): ProviderDriver =>
    createDigitalOceanDriver({ credentials: { token }, endpoint: sim.url, config: { ...FAST, ...config } });
  const machines = (d: ProviderDriver) => collect(d.listMachines(new AbortController().signal));
  const volumes = (d: ProviderDriver) => collect(d.listVolumes(new AbortController().signal));
  const byId = async (d: ProviderDriver, id: string): Promise<RemoteMachine | undefined> =>
    (await machines(d)).find((m) => m.externalId === id);

  beforeAll(async () => {
    sim = await startDigitalOceanSim({
      accounts: [
        { token: 'big', droplets: 2_500, namePrefix: 'fleet' },
        { token: 'work', droplets: 3, namePrefix: 'work' },
      ],
      bootDelayMs: 40,
      actionDelayMs: 10,
    });
  });
  afterAll(() => sim.close());

  it('lists 2,500 droplets across pages of 200', async () => {
    const before = sim.knobs.requests;
    const all = await machines(driver('big'));
    expect(all).toHaveLength(2_500);
    expect(new Set(all.map((m) => m.externalId)).size).toBe(2_500);
    expect(sim.knobs.requests - before).toBe(13);
    expect(all[0]).toMatchObject({
      name: 'fleet-000000',
      state: 'running',
      rawState: 'active',
      size: 's-1vcpu-512mb-10gb',
      image: 'ubuntu-24-04-x64',
      location: 'nyc1',
      tags: { web: '' },
      costMonthly: { amount: '4.0000', currency: 'USD' },
      costHourly: { amount: '0.00595', currency: 'USD' },
    });
    expect(all[0]!.publicIps).toHaveLength(2);
    expect(all[0]!.publicIps[1]).toContain(':');
    expect(all[0]!.privateIps[0]).toMatch(/^127\.(7[2-9])\./); // DigitalOcean's private block in the emulator
    expect(all[9]).toMatchObject({ state: 'stopped', rawState: 'off' });
  });

  it('asks for the later pages a few at a time, still in order, through throttling', async () => {
    const names = async (config: Record<string, unknown>) => {
      const started = performance.now();
      const all = await machines(driver('big', { perPage: 200, ...config }));
      return { names: all.map((m) => m.name), ms: performance.now() - started };
    };
    sim.knobs.latencyMs = 300;
    try {
      // Thirteen pages: one after another they cannot take less than 13 x 300 ms; four at a time
      // after the first, about 4 x 300 ms. The margin is wide so a busy machine cannot fail it.
      const serial = await names({ pageConcurrency: 1 });
      expect(serial.ms).toBeGreaterThanOrEqual(13 * 300);
      const ahead = await names({ pageConcurrency: 4 });
      expect(ahead.names).toEqual(serial.names);
      expect(ahead.names).toHaveLength(2_500);
      expect(ahead.ms).toBeLessThan(serial.ms - 1_200);
      // Throttled once the first page is in: the pages asked together are retried, none lost.
      const throttled: string[] = [];
      for await (const m of driver('big').listMachines(new AbortController().signal)) {
        if (throttled.push(m.name) === 1) sim.knobs.burst({ status: 429, count: 3, retryAfterSeconds: 0 });
      }
      expect(throttled).toEqual(serial.names);
    } finally {
      sim.knobs.latencyMs = 0;
    }
  });

  it('stops listing when the signal aborts', async () => {
    const controller = new AbortController();
    let seen = 0;
    for await (const _ of driver('big', { perPage: 100 }).listMachines(controller.signal)) {
      seen += 1;
      if (seen === 150) controller.abort();
    }
    expect(seen).toBe(200);
  });

  it('validates good and bad tokens, in DigitalOcean words', async () => {
    await expect(driver('work').validate()).resolves.toBeUndefined();
    const err = await driver('nobody')
      .validate()
      .catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({
      kind: 'auth',
      message: 'Unable to authenticate you.',
      options: { status: 401 },
    });
    const locked = await startDigitalOceanSim({
      accounts: [
        { token: 'l', status: 'locked', statusMessage: 'Your account has been locked for non-payment.' },
      ],
    });
    try {
      const e = await createDigitalOceanDriver({ credentials: { token: 'l' }, endpoint: `${locked.url}/v2` })
        .validate()
        .catch((x) => x);
      expect(e).toMatchObject({ kind: 'auth', message: 'Your account has been locked for non-payment.' });
    } finally {
      await locked.close();
    }
  });

  it('creates a droplet with key, tags and user data (tags read back as written), then runs every action', async () => {
    const d = driver('work');
    const publicKey = sshPublicKey('ops@overcast');
    const created = await d.createMachine({
      name: 'app-1',
      size: 's-1vcpu-1gb',
      image: 'debian-12-x64',
      location: 'fra1',
      sshKey: { name: 'ops', publicKey },
      tags: { web: '', env: 'prod' },
      userData: '#!/bin/sh\necho hello\n',
    });
    expect(created).toMatchObject({ name: 'app-1', state: 'pending', rawState: 'new', location: 'fra1' });
    expect(created.publicIps).toEqual([]);
    const account = sim.account('work');
    const stored = account.droplets.get(Number(created.externalId))!;
    const key = [...account.keys.values()].find((k) => k.publicKey === publicKey)!;
    expect(key.name).toBe('ops');
    expect(stored.sshKeyIds).toEqual([key.id]);
    expect(stored.tags).toEqual(['web', 'env:prod']);
    expect(stored.userData).toBe('#!/bin/sh\necho hello\n');

    // The same key again is found, not uploaded twice.
    await d.createMachine({
      name: 'app-2',
      size: 's-1vcpu-1gb',
      image: 'debian-12-x64',
      location: 'fra1',
      sshKey: { name: 'ops-again', publicKey },
    });
    expect([...account.keys.values()].filter((k) => k.publicKey === publicKey)).toHaveLength(1);

    await sleep(60);
    const id = created.externalId;
    const running = await byId(d, id);
    // key=value travels as the droplet tag "env:prod" and comes back as env=prod.
    expect(running).toMatchObject({ state: 'running' });
    expect(running!.tags).toEqual({ web: '', env: 'prod' });
    expect(running!.publicIps.length).toBeGreaterThan(0);

    await d.machineAction(id, 'stop');
    expect(await byId(d, id)).toMatchObject({ state: 'stopped', rawState: 'off' });
    await d.machineAction(id, 'stop'); // already off: nothing to do
    await d.machineAction(id, 'start');
    await sleep(20);
    expect(await byId(d, id)).toMatchObject({ state: 'running' });
    await d.machineAction(id, 'start'); // already on
    await d.machineAction(id, 'reboot');
    await sleep(20);
    await d.machineAction(id, 'rename', { name: 'app-1-renamed' });
    await sleep(20);
    expect(await byId(d, id)).toMatchObject({ name: 'app-1-renamed', state: 'running' });
    expect(
      [...account.actions.values()].filter((a) => a.resourceId === Number(id)).map((a) => a.type),
    ).toEqual(['create', 'shutdown', 'power_on', 'reboot', 'rename']);
    await d.machineAction(id, 'destroy');
    expect(await byId(d, id)).toBeUndefined();
    await expect(d.machineAction(id, 'destroy')).rejects.toMatchObject({ kind: 'not-found' });
  });

  it('powers a droplet off hard when the graceful shutdown fails', async () => {
    const d = driver('work');
    const [target] = sim
      .account('work')
      .listDroplets()
      .filter((x) => x.status === 'active');
    sim.account('work').mutateDroplet(target!.id, { ignoresShutdown: true });
    await d.machineAction(String(target!.id), 'stop');
    await sleep(20);
    expect(await byId(d, String(target!.id))).toMatchObject({ state: 'stopped' });
    const kinds = [...sim.account('work').actions.values()]
      .filter((a) => a.resourceId === target!.id)
      .map((a) => [a.type, a.status]);
    expect(kinds).toEqual([
      ['shutdown', 'errored'],
      ['power_off', 'completed'],
    ]);
  });

  it('maps archived droplets and outside changes', async () => {
    const account = sim.account('work');
    const [one] = account.listDroplets();
    account.mutateDroplet(one!.id, { status: 'archive' });
    expect(await byId(driver('work'), String(one!.id))).toMatchObject({
      state: 'terminated',
      rawState: 'archive',
    });
    account.mutateDroplet(one!.id, { status: 'active' });
  });

  it('creates, attaches, detaches and deletes volumes', async () => {
    const d = driver('work');
    const host = sim
      .account('work')
      .listDroplets()
      .find((x) => x.regionSlug === 'nyc1')!;
    const made = (await d.volumeAction({
      op: 'create',
      name: 'data-1',
      sizeGb: 20,
      location: 'nyc1',
    })) as RemoteVolume;
    expect(made).toMatchObject({
      name: 'data-1',
      sizeGb: 20,
      location: 'nyc1',
      state: 'available',
      attachedTo: [],
    });
    await d.volumeAction({ op: 'attach', volumeId: made.externalId, machineId: String(host.id) });
    await sleep(20);
    const attached = (await volumes(d)).find((v) => v.externalId === made.externalId);
    expect(attached).toMatchObject({ state: 'in-use', rawState: '', attachedTo: [String(host.id)] });
    const busy = await d.volumeAction({ op: 'delete', volumeId: made.externalId }).catch((e) => e);
    expect(busy).toMatchObject({ kind: 'conflict' });
    await d.volumeAction({ op: 'detach', volumeId: made.externalId, machineId: String(host.id) });
    await sleep(20);
    expect((await volumes(d)).find((v) => v.externalId === made.externalId)).toMatchObject({
      attachedTo: [],
    });
    await d.volumeAction({ op: 'delete', volumeId: made.externalId });
    expect((await volumes(d)).find((v) => v.externalId === made.externalId)).toBeUndefined();
    const elsewhere = await d
      .volumeAction({ op: 'create', name: 'bad', sizeGb: 0, location: 'nyc1' })
      .catch((e) => e);
    expect(elsewhere).toMatchObject({
      kind: 'invalid',
      message: 'size_gigabytes must be an integer between 1 and 16384.',
    });
  });

  it('lists sizes with prices, images and regions', async () => {
    const d = driver('work');
    const sizes = await d.listSizes();
    expect(sizes.find((s) => s.externalId === 's-2vcpu-4gb')).toMatchObject({
      cpus: 2,
      memoryMb: 4096,
      diskGb: 80,
      priceMonthly: { amount: '24.0000', currency: 'USD' },
      priceHourly: { amount: '0.03571', currency: 'USD' },
    });
    expect((await d.listImages()).find((i) => i.externalId === 'debian-12-x64')).toMatchObject({
      os: 'Debian',
      isPublic: true,
    });
    const regions = await d.listLocations();
    expect(regions.find((r) => r.externalId === 'lon1')).toMatchObject({ name: 'London 1', country: 'GB' });
  });

  it('retries a 429 burst after the Retry-After the emulator sent', async () => {
    const d = driver('work', { retryMaxDelayMs: 5_000 });
    sim.knobs.burst({ status: 429, count: 1, retryAfterSeconds: 1 });
    const started = Date.now();
    await expect(d.validate()).resolves.toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('gives up on a 500 burst longer than its retry budget, as unavailable', async () => {
    const d = driver('work', { retryAttempts: 3 });
    sim.knobs.burst({ status: 500, count: 10 });
    const before = sim.knobs.requests;
    try {
      const err = await machines(d).catch((e) => e);
      expect(err).toMatchObject({ kind: 'unavailable', message: 'Unexpected server-side error' });
      expect(sim.knobs.requests - before).toBe(3);
    } finally {
      sim.knobs.clearFaults();
    }
  });

  it('does not resend a create after a server error', async () => {
    const d = driver('work', { retryAttempts: 5 });
    sim.knobs.burst({ status: 500, count: 1 });
    const err = await d
      .createMachine({ name: 'once', size: 's-1vcpu-1gb', image: 'debian-12-x64', location: 'nyc1' })
      .catch((e) => e);
    expect(err).toMatchObject({ kind: 'unavailable' });
    expect(
      sim
        .account('work')
        .listDroplets()
        .some((x) => x.name === 'once'),
    ).toBe(false);
  });

  it('times out a hanging API as unavailable', async () => {
    const d = driver('work', { requestTimeoutMs: 150, retryAttempts: 2 });
    sim.knobs.hangMs = 2_000;
    try {
      const started = Date.now();
      const err = await d.validate().catch((e) => e);
      expect(err).toMatchObject({
        kind: 'unavailable',
        message: 'DigitalOcean did not answer within 150 ms',
      });
      expect(Date.now() - started).toBeLessThan(1_500);
    } finally {
      sim.knobs.hangMs = 0;
    }
  });

  it('refuses to be built without a token', () => {
    expect(() => createDigitalOceanDriver({ credentials: { token: ' ' } })).toThrow(ProviderError);
  });
});
