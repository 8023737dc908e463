// The driver against the Hetzner Cloud emulator: paging, lifecycle, create, bad input, catalogue;
// the behaviour every token-API driver shares (failures, volumes) is in the shared suite.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HetznerSim, startHetznerSim } from '../../../cloud-sim/src/hetzner/index';
import {
  describeTokenApiDriver,
  onEmulator,
  sleep,
  sshPublicKey,
} from '../common/test-support/token-api-suite';
import { createHetznerDriver } from './index';

const FAST = { pollMs: 5, shutdownWaitMs: 2_000 };

describeTokenApiDriver<HetznerSim>({
  provider: 'Hetzner Cloud',
  create: createHetznerDriver,
  start: ({ accounts, ...options }) =>
    startHetznerSim({
      projects: accounts.map((a) => ({ token: a.token, servers: a.machines, namePrefix: a.prefix })),
      ...options,
    }),
  words: {
    unauthorized: 'unable to authenticate',
    throttled: 'limit of 2 requests per hour reached',
    serverError: 'internal server error',
  },
  createSpec: { name: 'once', size: 'cx22', image: 'debian-12', location: 'fsn1' },
  holds: (sim, token, name) => sim.project(token).listServers(name).length > 0,
  volumes: {
    host: (sim) => {
      const server = sim.project('work').listServers('work-000001')[0]!;
      return { location: server.location.name, machineId: String(server.id) };
    },
    readyWord: 'available',
    attachedRefusal: 'volume is attached to a server',
    tooSmall: "invalid input in field 'size'",
  },
});

describe('Hetzner Cloud driver on the emulator', () => {
  let sim: HetznerSim;
  const { driver, machines, byId } = onEmulator(createHetznerDriver, () => sim.url, FAST);

  beforeAll(async () => {
    sim = await startHetznerSim({
      projects: [
        { token: 'big', servers: 1_234, namePrefix: 'fleet' },
        { token: 'work', servers: 3, namePrefix: 'work' },
      ],
      bootDelayMs: 40,
      actionDelayMs: 100,
    });
  });
  afterAll(() => sim.close());

  it('lists 1,234 servers in pages of 50, following meta.pagination.next_page', async () => {
    const before = sim.requestLog.length;
    const all = await machines(driver('big'));
    expect(all).toHaveLength(1_234);
    expect(new Set(all.map((m) => m.externalId)).size).toBe(1_234);
    const pages = sim.requestLog.slice(before).map((r) => r.path);
    expect(pages).toHaveLength(25);
    expect(pages[0]).toBe('/v1/servers?page=1&per_page=50');
    expect(pages[24]).toBe('/v1/servers?page=25&per_page=50');
    expect(all[0]).toMatchObject({
      name: 'fleet-000000',
      state: 'running',
      rawState: 'running',
      size: 'cx22',
      image: 'ubuntu-24.04',
      location: 'fsn1',
      tags: { env: 'prod' },
      costMonthly: { amount: '3.7900', currency: 'EUR' },
      costHourly: { amount: '0.0060', currency: 'EUR' },
    });
    expect(all[0]!.publicIps[0]).toMatch(/^127\./);
    expect(all[0]!.privateIps[0]).toMatch(/^127\./);
    expect(all[9]).toMatchObject({ state: 'stopped', rawState: 'off' });
    expect(all[1]!.tags).toEqual({});
  });

  it('creates a server with key, labels and user data, then runs every action', async () => {
    const d = driver('work');
    const publicKey = sshPublicKey('ops@overcast');
    const created = await d.createMachine({
      name: 'app-1',
      size: 'cpx11',
      image: 'debian-12',
      location: 'ash',
      sshKey: { name: 'ops', publicKey },
      tags: { env: 'qa', web: '' },
      userData: '#cloud-config\n',
    });
    expect(created).toMatchObject({
      name: 'app-1',
      state: 'pending',
      rawState: 'initializing',
      location: 'ash',
      size: 'cpx11',
      image: 'debian-12',
      tags: { env: 'qa', web: '' },
      costMonthly: { amount: '5.2200', currency: 'EUR' },
    });
    const project = sim.project('work');
    const stored = project.servers.get(Number(created.externalId))!;
    const key = [...project.keys.values()].find((k) => k.publicKey === publicKey)!;
    expect(key.name).toBe('ops');
    expect(stored.sshKeyIds).toEqual([key.id]);
    expect(stored.userData).toBe('#cloud-config\n');

    // The same key again is found by its fingerprint, not uploaded twice.
    await d.createMachine({
      name: 'app-2',
      size: 'cx22',
      image: 'debian-12',
      location: 'fsn1',
      sshKey: { name: 'x', publicKey },
    });
    expect(project.keys.size).toBe(1);

    const id = created.externalId;
    await sleep(60);
    expect(await byId(d, id)).toMatchObject({ state: 'running' });
    await d.machineAction(id, 'stop');
    expect(await byId(d, id)).toMatchObject({ state: 'stopped', rawState: 'off' });
    await d.machineAction(id, 'start');
    expect(await byId(d, id)).toMatchObject({ state: 'pending', rawState: 'starting' });
    await sleep(150);
    expect(await byId(d, id)).toMatchObject({ state: 'running' });
    await d.machineAction(id, 'reboot');
    await sleep(150);
    await d.machineAction(id, 'rename', { name: 'app-1-renamed' });
    expect(await byId(d, id)).toMatchObject({ name: 'app-1-renamed', state: 'running' });
    const commands = [...project.actions.values()]
      .filter((a) => a.resources.some((r) => r.id === Number(id)))
      .map((a) => a.command);
    expect(commands).toEqual(['create_server', 'shutdown', 'poweron', 'reboot']);
    await d.machineAction(id, 'destroy');
    expect(await byId(d, id)).toBeUndefined();
    const gone = await d.machineAction(id, 'destroy').catch((e) => e);
    expect(gone).toMatchObject({ kind: 'not-found', message: `server with ID '${id}' not found` });
  });

  it('powers a server off hard when the guest ignores the shutdown', async () => {
    const d = driver('work', { shutdownWaitMs: 60 });
    const target = sim
      .project('work')
      .listServers(null)
      .find((s) => s.status === 'running')!;
    target.ignoresShutdown = true;
    await d.machineAction(String(target.id), 'stop');
    await sleep(150);
    expect(await byId(d, String(target.id))).toMatchObject({ state: 'stopped', rawState: 'off' });
    const commands = [...sim.project('work').actions.values()]
      .filter((a) => a.resources.some((r) => r.id === target.id))
      .map((a) => a.command);
    expect(commands).toEqual(['shutdown', 'poweroff']);
  });

  it("refuses bad input in Hetzner's words", async () => {
    const d = driver('work');
    const bad = await d
      .createMachine({ name: 'bad_name!', size: 'cx22', image: 'debian-12', location: 'fsn1' })
      .catch((e) => e);
    expect(bad).toMatchObject({
      kind: 'invalid',
      message: "invalid input in field 'name'",
      options: { status: 400 },
    });
    const nowhere = await d
      .createMachine({ name: 'ok', size: 'cx22', image: 'debian-12', location: 'ash' })
      .catch((e) => e);
    expect(nowhere).toMatchObject({
      kind: 'invalid',
      message: 'server type cx22 is unavailable in location ash',
    });
    const twice = await d
      .createMachine({ name: 'work-000000', size: 'cx22', image: 'debian-12', location: 'fsn1' })
      .catch((e) => e);
    expect(twice).toMatchObject({ kind: 'conflict', message: 'server name is already used' });
    const guarded = sim.project('work').listServers('work-000002')[0]!;
    guarded.deleteProtected = true;
    const kept = await d.machineAction(String(guarded.id), 'destroy').catch((e) => e);
    expect(kept).toMatchObject({
      kind: 'conflict',
      message: 'server deletion is protected',
      options: { status: 403 },
    });
    guarded.deleteProtected = false;
    await expect(d.machineAction('abc', 'start')).rejects.toMatchObject({ kind: 'invalid' });
    await expect(d.machineAction('1', 'rename', { name: ' ' })).rejects.toMatchObject({ kind: 'invalid' });
  });

  it('lists server types with per-location prices, images and locations', async () => {
    const d = driver('work', { perPage: 2 });
    const sizes = await d.listSizes();
    expect(sizes).toHaveLength(5);
    expect(sizes.find((s) => s.externalId === 'cpx11')).toMatchObject({
      cpus: 2,
      memoryMb: 2048,
      diskGb: 40,
      priceMonthly: { amount: '4.3500', currency: 'EUR' },
      priceHourly: { amount: '0.0071', currency: 'EUR' },
      locations: ['fsn1', 'nbg1', 'hel1', 'ash'],
    });
    expect((await d.listImages()).find((i) => i.externalId === 'debian-12')).toMatchObject({
      name: 'Debian 12',
      os: 'debian',
      isPublic: true,
    });
    const locations = await d.listLocations();
    expect(locations.find((l) => l.externalId === 'hel1')).toMatchObject({
      name: 'Helsinki DC Park 1',
      country: 'FI',
    });
  });
});
