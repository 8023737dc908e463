// The driver against the Vultr emulator: cursor paging, lifecycle, create, bad input, catalogue;
// the behaviour every token-API driver shares (failures, block storage) is in the shared suite.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVultrSim, type VultrSim } from '../../../cloud-sim/src/vultr/index';
import {
  describeTokenApiDriver,
  onEmulator,
  sleep,
  sshPublicKey,
} from '../common/test-support/token-api-suite';
import { createVultrDriver } from './index';

describeTokenApiDriver<VultrSim>({
  provider: 'Vultr',
  create: createVultrDriver,
  start: ({ accounts, ...options }) =>
    startVultrSim({
      accounts: accounts.map((a) => ({ token: a.token, instances: a.machines, namePrefix: a.prefix })),
      ...options,
    }),
  words: {
    unauthorized: 'Invalid API token.',
    throttled: 'Rate limit reached - please try your request again later.',
    serverError: 'Internal server error.',
  },
  createSpec: { name: 'once', size: 'vc2-1c-1gb', image: '2136', location: 'ewr' },
  holds: (sim, token, name) =>
    sim
      .account(token)
      .listInstances()
      .some((i) => i.label === name),
  volumes: {
    host: (sim) => {
      const instance = sim.account('work').listInstances()[2]!;
      return { location: instance.region.id, machineId: instance.id };
    },
    readyWord: 'active',
    attachedRefusal: 'Block storage must be detached before it can be deleted.',
    tooSmall: 'Invalid size_gb: must be between 10 and 40000.',
  },
});

describe('Vultr driver on the emulator', () => {
  let sim: VultrSim;
  const { driver, machines, byId } = onEmulator(createVultrDriver, () => sim.url);

  beforeAll(async () => {
    sim = await startVultrSim({
      accounts: [
        { token: 'big', instances: 1_234, namePrefix: 'fleet' },
        { token: 'work', instances: 3, namePrefix: 'work' },
      ],
      bootDelayMs: 40,
      actionDelayMs: 100,
      // Vultr's 30 a second would slow these tests down; the budget has its own test.
      rateLimit: { limit: 100_000, windowMs: 1_000 },
    });
  });
  afterAll(() => sim.close());

  it('lists 1,234 instances in pages of 500 by following meta.links.next, priced from their plans', async () => {
    const before = sim.requestLog.length;
    const all = await machines(driver('big'));
    expect(all).toHaveLength(1_234);
    expect(new Set(all.map((m) => m.externalId)).size).toBe(1_234);
    const paths = sim.requestLog.slice(before).map((r) => r.path);
    expect(paths).toEqual([
      '/v2/plans?per_page=500',
      '/v2/instances?per_page=500',
      `/v2/instances?per_page=500&cursor=${encodeURIComponent(Buffer.from('next__500').toString('base64'))}`,
      `/v2/instances?per_page=500&cursor=${encodeURIComponent(Buffer.from('next__1000').toString('base64'))}`,
    ]);
    expect(all[0]).toMatchObject({
      name: 'fleet-000000',
      state: 'running',
      rawState: 'running',
      size: 'vc2-1c-1gb',
      image: '2284',
      location: 'ewr',
      privateIps: [],
      tags: { web: '', env: 'prod' },
      costMonthly: { amount: '5.0000', currency: 'USD' },
      costHourly: { amount: '0.0070', currency: 'USD' },
    });
    expect(all[0]!.publicIps).toEqual([expect.stringMatching(/^127\./)]);
    expect(all[9]).toMatchObject({ state: 'stopped', rawState: 'stopped' });
  });

  it('creates an instance with key, tags and user data, then runs every action', async () => {
    const d = driver('work');
    const publicKey = sshPublicKey('ops@overcast');
    const created = await d.createMachine({
      name: 'app-1',
      size: 'vc2-2c-4gb',
      image: '2136',
      location: 'fra',
      sshKey: { name: 'ops', publicKey },
      tags: { env: 'qa', web: '' },
      userData: '#cloud-config\n',
    });
    expect(created).toMatchObject({
      name: 'app-1',
      state: 'pending',
      rawState: 'pending',
      location: 'fra',
      size: 'vc2-2c-4gb',
      image: '2136',
      tags: { env: 'qa', web: '' },
    });
    const account = sim.account('work');
    const stored = account.instances.get(created.externalId)!;
    const key = [...account.keys.values()].find((k) => k.sshKey === publicKey)!;
    expect(key.name).toBe('ops');
    expect(stored.sshKeyIds).toEqual([key.id]);
    expect(stored.userData).toBe('#cloud-config\n');
    expect(stored.hostname).toBe('app-1');

    // The same key again (another comment) is found, not uploaded twice; a new instance refuses
    // actions while it installs.
    const second = await d.createMachine({
      name: 'app-2',
      size: 'vc2-1c-1gb',
      image: '2136',
      location: 'fra',
      sshKey: { name: 'again', publicKey: publicKey.replace('ops@overcast', 'other') },
    });
    expect(account.keys.size).toBe(1);
    const installing = await d.machineAction(second.externalId, 'reboot').catch((e) => e);
    expect(installing).toMatchObject({
      kind: 'conflict',
      message: 'Unable to perform action: server is still being installed.',
    });

    const id = created.externalId;
    await sleep(60);
    expect(await byId(d, id)).toMatchObject({ state: 'running', costMonthly: { amount: '20.0000' } });
    await d.machineAction(id, 'stop');
    await sleep(150);
    expect(await byId(d, id)).toMatchObject({ state: 'stopped', rawState: 'stopped' });
    await d.machineAction(id, 'start');
    await sleep(150);
    expect(await byId(d, id)).toMatchObject({ state: 'running' });
    await d.machineAction(id, 'reboot');
    await d.machineAction(id, 'rename', { name: 'app 1 (renamed)' });
    expect(await byId(d, id)).toMatchObject({ name: 'app 1 (renamed)' });
    expect(account.history.filter((h) => h.instanceId === id).map((h) => h.command)).toEqual([
      'halt',
      'start',
      'reboot',
    ]);
    await d.machineAction(id, 'destroy');
    expect(await byId(d, id)).toBeUndefined();
    const gone = await d.machineAction(id, 'destroy').catch((e) => e);
    expect(gone).toMatchObject({ kind: 'not-found', message: 'Invalid instance-id.' });
  });

  it("refuses bad input in Vultr's words", async () => {
    const d = driver('work');
    const plan = await d
      .createMachine({ name: 'x', size: 'vc9-huge', image: '2136', location: 'ewr' })
      .catch((e) => e);
    expect(plan).toMatchObject({
      kind: 'invalid',
      message: 'Invalid plan chosen.',
      options: { status: 400 },
    });
    const where = await d
      .createMachine({ name: 'x', size: 'vhf-2c-4gb', image: '2136', location: 'nrt' })
      .catch((e) => e);
    expect(where).toMatchObject({
      kind: 'invalid',
      message: 'Plan is not available in the selected location.',
    });
    await expect(
      d.createMachine({ name: 'x', size: 'vc2-1c-1gb', image: 'debian', location: 'ewr' }),
    ).rejects.toMatchObject({ kind: 'invalid' });
    await expect(d.machineAction('../account', 'start')).rejects.toMatchObject({ kind: 'invalid' });
  });

  it('lists plans with prices, operating systems and regions', async () => {
    const d = driver('work', { perPage: 3 });
    const sizes = await d.listSizes();
    expect(sizes).toHaveLength(4);
    expect(sizes.find((s) => s.externalId === 'vc2-2c-4gb')).toMatchObject({
      cpus: 2,
      memoryMb: 4096,
      diskGb: 80,
      priceMonthly: { amount: '20.0000', currency: 'USD' },
      priceHourly: { amount: '0.0300', currency: 'USD' },
      locations: ['ewr', 'ord', 'ams', 'fra', 'nrt'],
    });
    expect((await d.listImages()).find((i) => i.externalId === '2136')).toMatchObject({
      name: 'Debian 12 x64 (bookworm)',
      os: 'debian',
      isPublic: true,
    });
    expect((await d.listLocations()).find((r) => r.externalId === 'ams')).toMatchObject({
      name: 'Amsterdam',
      country: 'NL',
    });
  });
});
