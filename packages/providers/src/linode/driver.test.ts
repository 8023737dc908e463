// The driver against the Linode emulator: paging, lifecycle, create, bad input, catalogue; the
// behaviour every token-API driver shares (failures, volumes) is in the shared suite.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LinodeSim, startLinodeSim } from '../../../cloud-sim/src/linode/index';
import {
  describeTokenApiDriver,
  onEmulator,
  sleep,
  sshPublicKey,
} from '../common/test-support/token-api-suite';
import { createLinodeDriver } from './index';

describeTokenApiDriver<LinodeSim>({
  provider: 'Linode',
  create: createLinodeDriver,
  start: ({ accounts, ...options }) =>
    startLinodeSim({
      accounts: accounts.map((a) => ({ token: a.token, linodes: a.machines, namePrefix: a.prefix })),
      ...options,
    }),
  words: {
    unauthorized: 'Invalid Token',
    throttled: 'Too Many Requests',
    serverError: 'An unexpected error occurred.',
  },
  createSpec: { name: 'once', size: 'g6-nanode-1', image: 'linode/debian12', location: 'us-east' },
  holds: (sim, token, name) =>
    sim
      .account(token)
      .listLinodes()
      .some((l) => l.label === name),
  minPage: 25,
  volumes: {
    host: (sim) => {
      const linode = sim.account('work').listLinodes()[2]!;
      return { location: linode.region.id, machineId: String(linode.id) };
    },
    readyWord: 'active',
    attachedRefusal: 'Volume must be detached before it can be deleted.',
    tooSmall: 'size: Must be 10-10240',
  },
});

describe('Linode driver on the emulator', () => {
  let sim: LinodeSim;
  const { driver, machines, byId } = onEmulator(createLinodeDriver, () => sim.url);

  beforeAll(async () => {
    sim = await startLinodeSim({
      accounts: [
        { token: 'big', linodes: 1_234, namePrefix: 'fleet' },
        { token: 'work', linodes: 3, namePrefix: 'work' },
      ],
      bootDelayMs: 40,
      actionDelayMs: 100,
    });
  });
  afterAll(() => sim.close());

  it('lists 1,234 Linodes in pages of 500, up to `pages`, priced from their types', async () => {
    const before = sim.requestLog.length;
    const all = await machines(driver('big'));
    expect(all).toHaveLength(1_234);
    expect(new Set(all.map((m) => m.externalId)).size).toBe(1_234);
    expect(sim.requestLog.slice(before).map((r) => r.path)).toEqual([
      '/v4/linode/types?page=1&page_size=500',
      '/v4/linode/instances?page=1&page_size=500',
      '/v4/linode/instances?page=2&page_size=500',
      '/v4/linode/instances?page=3&page_size=500',
    ]);
    expect(all[0]).toMatchObject({
      name: 'fleet-000000',
      state: 'running',
      rawState: 'running',
      size: 'g6-nanode-1',
      image: 'linode/ubuntu24.04',
      location: 'us-east',
      privateIps: [],
      tags: { web: '', env: 'prod' },
      costMonthly: { amount: '5.0000', currency: 'USD' },
      costHourly: { amount: '0.0075', currency: 'USD' },
    });
    expect(all[0]!.publicIps[0]).toMatch(/^127\./);
    // Jakarta charges more: the region's own price wins.
    expect(all[4]).toMatchObject({
      location: 'id-cgk',
      size: 'g6-standard-1',
      costMonthly: { amount: '14.4000', currency: 'USD' },
      costHourly: { amount: '0.0216', currency: 'USD' },
    });
    expect(all[9]).toMatchObject({ state: 'stopped', rawState: 'offline' });
  });

  it('creates a Linode with key, tags and user data, then runs every action', async () => {
    const d = driver('work');
    const publicKey = sshPublicKey('ops@overcast');
    const created = await d.createMachine({
      name: 'app-1',
      size: 'g6-standard-2',
      image: 'linode/debian12',
      location: 'eu-central',
      sshKey: { name: 'ops', publicKey },
      tags: { env: 'qa', web: '' },
      userData: '#cloud-config\n',
    });
    expect(created).toMatchObject({
      name: 'app-1',
      state: 'pending',
      rawState: 'provisioning',
      location: 'eu-central',
      size: 'g6-standard-2',
      image: 'linode/debian12',
      tags: { env: 'qa', web: '' },
    });
    const account = sim.account('work');
    const stored = account.linodes.get(Number(created.externalId))!;
    expect(stored.authorizedKeys).toEqual([publicKey]);
    expect(stored.userData).toBe('#cloud-config\n');
    expect(stored.tags).toEqual(['env:qa', 'web']);

    const id = created.externalId;
    await sleep(60);
    expect(await byId(d, id)).toMatchObject({ state: 'running', costMonthly: { amount: '24.0000' } });
    await d.machineAction(id, 'stop');
    expect(await byId(d, id)).toMatchObject({ state: 'stopped', rawState: 'shutting_down' });
    await sleep(150);
    expect(await byId(d, id)).toMatchObject({ state: 'stopped', rawState: 'offline' });
    await d.machineAction(id, 'start');
    expect(await byId(d, id)).toMatchObject({ state: 'pending', rawState: 'booting' });
    await sleep(150);
    await d.machineAction(id, 'start'); // already running: nothing to do
    await d.machineAction(id, 'reboot');
    const busy = await d.machineAction(id, 'stop').catch((e) => e);
    expect(busy).toMatchObject({ kind: 'conflict', message: 'Linode busy.', options: { status: 400 } });
    await sleep(150);
    await d.machineAction(id, 'rename', { name: 'app-1-renamed' });
    expect(await byId(d, id)).toMatchObject({ name: 'app-1-renamed', state: 'running' });
    expect(account.history.filter((h) => h.linodeId === Number(id)).map((h) => h.command)).toEqual([
      'shutdown',
      'boot',
      'boot',
      'reboot',
    ]);
    await d.machineAction(id, 'destroy');
    expect(await byId(d, id)).toBeUndefined();
    const gone = await d.machineAction(id, 'destroy').catch((e) => e);
    expect(gone).toMatchObject({ kind: 'not-found', message: 'Not found' });
  });

  it("refuses bad input in Linode's words, naming the field", async () => {
    const d = driver('work');
    const short = await d
      .createMachine({ name: 'x', size: 'g6-nanode-1', image: 'linode/debian12', location: 'us-east' })
      .catch((e) => e);
    expect(short).toMatchObject({
      kind: 'invalid',
      message: 'label: Length must be 3-64 characters',
      options: { status: 400, code: 'label' },
    });
    const plan = await d
      .createMachine({ name: 'okay', size: 'g9-huge', image: 'linode/debian12', location: 'us-east' })
      .catch((e) => e);
    expect(plan).toMatchObject({
      kind: 'invalid',
      message: 'type: A valid plan type by that ID was not found',
    });
    await expect(d.machineAction('12ab', 'start')).rejects.toMatchObject({ kind: 'invalid' });
    await expect(d.machineAction('1', 'rename', {})).rejects.toMatchObject({ kind: 'invalid' });
  });

  it('lists types with prices, images and regions', async () => {
    const d = driver('work');
    expect((await d.listSizes()).find((s) => s.externalId === 'g6-standard-2')).toMatchObject({
      cpus: 2,
      memoryMb: 4096,
      diskGb: 80,
      priceMonthly: { amount: '24.0000', currency: 'USD' },
      priceHourly: { amount: '0.0360', currency: 'USD' },
    });
    expect((await d.listImages()).find((i) => i.externalId === 'linode/debian12')).toMatchObject({
      name: 'Debian 12',
      os: 'Debian',
      isPublic: true,
    });
    expect((await d.listLocations()).find((r) => r.externalId === 'eu-west')).toMatchObject({
      name: 'London, UK',
      country: 'GB',
    });
  });
});
