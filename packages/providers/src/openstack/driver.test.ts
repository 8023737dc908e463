// The driver against the OpenStack emulator through its real client: paging, every action,
// create, volumes, the catalogue, failures, throttling and token renewal.

import { generateKeyPairSync } from 'node:crypto';
import { type ProviderDriver, ProviderError, type RemoteVolume } from '@overcast/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenStackSim, startOpenStackSim } from '../../../cloud-sim/src/openstack/index';
import { collect } from '../common/json-api';
import { eventually } from '../common/test-support/eventually';
import { createOpenStackDriver, type OpenStackCredentials } from './index';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function sshPublicKey(comment: string): string {
  const der = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' });
  const type = Buffer.from('ssh-ed25519');
  const raw = der.subarray(der.length - 32);
  const blob = Buffer.concat([Buffer.from([0, 0, 0, type.length]), type, Buffer.from([0, 0, 0, 32]), raw]);
  return `ssh-ed25519 ${blob.toString('base64')} ${comment}`;
}

const WORK: OpenStackCredentials = {
  username: 'ops',
  password: 'secret',
  projectName: 'work',
  userDomainName: 'Default',
};
const BIG: OpenStackCredentials = {
  username: 'ops',
  password: 'secret',
  projectName: 'fleet',
  userDomainName: 'Default',
};

describe('OpenStack driver on the emulator', () => {
  let sim: OpenStackSim;
  const driver = (
    credentials: OpenStackCredentials = WORK,
    config: Record<string, unknown> = {},
  ): ProviderDriver =>
    createOpenStackDriver({
      credentials,
      endpoint: sim.authUrl,
      config: { retryBaseDelayMs: 5, retryMaxDelayMs: 50, ...config },
    });
  const machines = (d: ProviderDriver) => collect(d.listMachines(new AbortController().signal));
  const volumes = (d: ProviderDriver) => collect(d.listVolumes(new AbortController().signal));
  const byId = async (d: ProviderDriver, id: string) => (await machines(d)).find((m) => m.externalId === id);

  beforeAll(async () => {
    sim = await startOpenStackSim({
      projects: [
        { name: 'fleet', servers: 2_345, namePrefix: 'fleet' },
        { name: 'work', servers: 3, namePrefix: 'work' },
      ],
      users: [{ name: 'ops', password: 'secret', projects: ['fleet', 'work'] }],
      rateLimit: { limit: 100_000, windowMs: 1_000 },
      // Long enough for a passing state to be seen on a loaded machine; the ends are polled for.
      bootDelayMs: 400,
      actionDelayMs: 400,
    });
  });
  afterAll(() => sim.close());

  it('lists 2,345 servers in pages of 1,000 by marker, at microversion 2.47', async () => {
    const before = sim.requestLog.length;
    const all = await machines(driver(BIG));
    expect(all).toHaveLength(2_345);
    expect(new Set(all.map((m) => m.externalId)).size).toBe(2_345);
    const pages = sim.requestLog.slice(before).filter((r) => r.path.includes('/servers/detail'));
    expect(pages.map((r) => r.path.replace(/marker=[^&]+/, 'marker=X'))).toEqual([
      '/RegionOne/compute/v2.1/servers/detail?limit=1000',
      '/RegionOne/compute/v2.1/servers/detail?limit=1000&marker=X',
      '/RegionOne/compute/v2.1/servers/detail?limit=1000&marker=X',
    ]);
    expect(pages.every((r) => r.microversion === '2.47' && r.project === 'fleet')).toBe(true);
    const newest = all[0]!;
    expect(newest).toMatchObject({
      name: 'fleet-002344',
      state: 'running',
      rawState: 'ACTIVE',
      size: '1',
      image: '0d3c4f7e-2b8a-4e4f-9b1e-6c9a3f1d2e01',
      location: 'nova',
      tags: { env: 'prod' },
      extra: { flavorName: 'm1.tiny', vcpus: 1, ramMb: 512, diskGb: 1 },
    });
    // Every fifth seeded server has no floating address (fleet-002344 among them).
    expect(newest.publicIps).toEqual([]);
    const floating = all[1]!;
    expect(floating.publicIps).toHaveLength(1);
    expect(floating.publicIps[0]).toMatch(/^127\.1(2[89]|3[0-5])\./);
    expect(floating.privateIps[0]).toMatch(/^127\.1(3[6-9]|4[0-3])\./);
    const off = all.find((m) => m.name === 'fleet-000009')!;
    expect(off).toMatchObject({ state: 'stopped', rawState: 'SHUTOFF' });
  });

  it('creates a server with its key pair, metadata and user data, then runs every action', async () => {
    const d = driver();
    const publicKey = sshPublicKey('ops@overcast');
    const created = await d.createMachine({
      name: 'app-1',
      size: '2',
      image: '2b6f9c3d-8e4a-4d7b-9f0c-1a2e3d4c5b03',
      location: 'az-2',
      sshKey: { name: 'ops key', publicKey },
      tags: { env: 'qa', web: '' },
      userData: '#cloud-config\n',
    });
    expect(created).toMatchObject({
      name: 'app-1',
      state: 'pending',
      rawState: 'BUILD',
      location: 'az-2',
      size: '2',
      tags: { env: 'qa', web: '' },
    });
    const project = sim.project('work');
    const stored = project.servers.get(created.externalId)!;
    expect(stored.keyName).toBe('ops key');
    expect(stored.userData).toBe('#cloud-config\n');
    expect(project.keypairs.get('ops key')!.publicKey).toBe(publicKey);

    // The same key again is found by its content, not imported twice.
    await d.createMachine({
      name: 'app-2',
      size: '1',
      image: '0d3c4f7e-2b8a-4e4f-9b1e-6c9a3f1d2e01',
      location: 'nova',
      sshKey: { name: 'x', publicKey },
    });
    expect(project.keypairs.size).toBe(1);
    // Another key under a taken name is imported under a longer one.
    await d.createMachine({
      name: 'app-3',
      size: '1',
      image: '0d3c4f7e-2b8a-4e4f-9b1e-6c9a3f1d2e01',
      location: 'nova',
      sshKey: { name: 'ops key', publicKey: sshPublicKey('other') },
    });
    expect([...project.keypairs.keys()]).toEqual([
      'ops key',
      expect.stringMatching(/^ops key-[0-9a-f]{12}$/),
    ]);

    const id = created.externalId;
    await eventually(async () => {
      expect(await byId(d, id)).toMatchObject({ state: 'running', rawState: 'ACTIVE' });
    });
    await d.machineAction(id, 'stop');
    expect(await byId(d, id)).toMatchObject({
      state: 'stopped',
      rawState: 'ACTIVE',
      extra: { taskState: 'powering-off' },
    });
    const busy = await d.machineAction(id, 'reboot').catch((e) => e);
    expect(busy).toMatchObject({
      kind: 'conflict',
      message: `Cannot 'reboot' instance ${id} while it is in task_state powering-off`,
      options: { status: 409 },
    });
    await eventually(async () => {
      expect(await byId(d, id)).toMatchObject({ state: 'stopped', rawState: 'SHUTOFF' });
    });
    await d.machineAction(id, 'start');
    expect(await byId(d, id)).toMatchObject({ state: 'pending', extra: { taskState: 'powering-on' } });
    await eventually(async () => {
      expect(await byId(d, id)).toMatchObject({ state: 'running', extra: { taskState: null } });
    });
    const again = await d.machineAction(id, 'start').catch((e) => e);
    expect(again).toMatchObject({
      kind: 'conflict',
      message: `Cannot 'start' instance ${id} while it is in vm_state active`,
    });
    await d.machineAction(id, 'reboot');
    expect(await byId(d, id)).toMatchObject({ state: 'rebooting', rawState: 'REBOOT' });
    await eventually(async () => {
      expect(await byId(d, id)).toMatchObject({ state: 'running', rawState: 'ACTIVE' });
    });
    await d.machineAction(id, 'rename', { name: 'app-1-renamed' });
    expect(await byId(d, id)).toMatchObject({ name: 'app-1-renamed', state: 'running' });
    await d.machineAction(id, 'destroy');
    expect(await byId(d, id)).toMatchObject({ state: 'terminated', extra: { taskState: 'deleting' } });
    await eventually(async () => {
      expect(await byId(d, id)).toBeUndefined();
    });
    const gone = await d.machineAction(id, 'destroy').catch((e) => e);
    expect(gone).toMatchObject({ kind: 'not-found', message: `Instance ${id} could not be found.` });
  });

  it("refuses bad input in Nova's words, and ids that are not ids before any call", async () => {
    const d = driver();
    const flavor = await d
      .createMachine({
        name: 'x',
        size: '99',
        image: '0d3c4f7e-2b8a-4e4f-9b1e-6c9a3f1d2e01',
        location: 'nova',
      })
      .catch((e) => e);
    expect(flavor).toMatchObject({
      kind: 'invalid',
      message: 'Flavor 99 could not be found.',
      options: { status: 400, code: 'badRequest' },
    });
    const zone = await d
      .createMachine({
        name: 'x',
        size: '1',
        image: '0d3c4f7e-2b8a-4e4f-9b1e-6c9a3f1d2e01',
        location: 'mars',
      })
      .catch((e) => e);
    expect(zone).toMatchObject({
      kind: 'invalid',
      message: 'The requested availability zone is not available',
    });
    const hostile = await d
      .createMachine({
        name: 'a\u0000b',
        size: '1',
        image: '0d3c4f7e-2b8a-4e4f-9b1e-6c9a3f1d2e01',
        location: 'nova',
      })
      .catch((e) => e);
    expect(hostile).toMatchObject({ kind: 'invalid', options: { status: 400 } });
    expect(hostile.message).toMatch(/^Invalid input for field\/attribute name/);
    const before = sim.requestLog.length;
    await expect(
      d.createMachine({ name: 'x', size: '1', image: 'i', location: 'nova', tags: { k: 'v'.repeat(256) } }),
    ).rejects.toMatchObject({
      kind: 'invalid',
      message: "The tag 'k' is longer than OpenStack's 255 characters.",
    });
    await expect(d.machineAction('../servers', 'start')).rejects.toMatchObject({ kind: 'invalid' });
    await expect(d.machineAction('abc', 'rename', { name: ' ' })).rejects.toMatchObject({ kind: 'invalid' });
    await expect(d.volumeAction({ op: 'delete', volumeId: 'a/b' })).rejects.toMatchObject({
      kind: 'invalid',
    });
    expect(sim.requestLog.length).toBe(before);
  });

  it('creates, attaches, detaches and deletes a volume through Cinder and Nova', async () => {
    const d = driver();
    const host = sim
      .project('work')
      .listServers('RegionOne')
      .find((s) => s.name === 'work-000000')!;
    const made = (await d.volumeAction({
      op: 'create',
      name: 'data-1',
      sizeGb: 20,
      location: host.zone,
    })) as RemoteVolume;
    expect(made).toMatchObject({
      name: 'data-1',
      sizeGb: 20,
      location: host.zone,
      state: 'creating',
      rawState: 'creating',
      attachedTo: [],
    });
    const early = await d
      .volumeAction({ op: 'attach', volumeId: made.externalId, machineId: host.id })
      .catch((e) => e);
    expect(early).toMatchObject({
      kind: 'conflict',
      message: `Invalid volume: volume ${made.externalId} status must be 'available'. Currently in 'creating'`,
    });
    await eventually(async () => {
      expect((await volumes(d)).find((v) => v.externalId === made.externalId)?.state).toBe('available');
    });
    await d.volumeAction({ op: 'attach', volumeId: made.externalId, machineId: host.id });
    await eventually(async () => {
      expect((await volumes(d)).find((v) => v.externalId === made.externalId)).toMatchObject({
        state: 'in-use',
        rawState: 'in-use',
        attachedTo: [host.id],
        extra: { devices: ['/dev/vdb'] },
      });
    });
    expect((await byId(d, host.id))!.extra.volumeIds).toEqual([made.externalId]);
    const attached = await d.volumeAction({ op: 'delete', volumeId: made.externalId }).catch((e) => e);
    expect(attached).toMatchObject({
      kind: 'conflict',
      message: expect.stringMatching(/^Invalid volume: Volume status must be available/),
    });
    await d.volumeAction({ op: 'detach', volumeId: made.externalId, machineId: host.id });
    await eventually(async () => {
      expect((await volumes(d)).find((v) => v.externalId === made.externalId)).toMatchObject({
        state: 'available',
        attachedTo: [],
      });
    });
    await d.volumeAction({ op: 'delete', volumeId: made.externalId });
    await eventually(async () => {
      expect((await volumes(d)).find((v) => v.externalId === made.externalId)).toBeUndefined();
    });
    const tiny = await d
      .volumeAction({ op: 'create', name: 'tiny', sizeGb: 0, location: 'nova' })
      .catch((e) => e);
    expect(tiny).toMatchObject({
      kind: 'invalid',
      message: "Invalid input received: Volume size '0' must be an integer and greater than 0",
    });
  });

  it('lists flavors, Glance images page by page, and availability zones', async () => {
    const d = driver(WORK, { perPage: 2 });
    const before = sim.requestLog.length;
    const sizes = await d.listSizes();
    expect(sizes).toHaveLength(7);
    expect(sizes.find((s) => s.externalId === '3')).toMatchObject({
      name: 'm1.medium',
      cpus: 2,
      memoryMb: 4096,
      diskGb: 40,
    });
    const images = await d.listImages();
    expect(images.map((i) => i.name)).toEqual([
      'cirros-0.6.2-x86_64-disk',
      'ubuntu-24.04',
      'debian-12',
      'rocky-9',
      'app-golden-2024-09',
    ]);
    expect(images[1]).toMatchObject({ os: 'ubuntu', isPublic: true });
    expect(images[4]).toMatchObject({ isPublic: false, extra: { minDiskGb: 20 } });
    const glance = sim.requestLog.slice(before).filter((r) => r.path.includes('/image/'));
    expect(glance).toHaveLength(3);
    expect(glance[1]!.path).toMatch(/^\/RegionOne\/image\/v2\/images\?limit=2&marker=1a5e8b2c-/);
    expect(await d.listLocations()).toEqual([
      {
        externalId: 'nova',
        name: 'nova (RegionOne)',
        country: null,
        extra: { region: 'RegionOne', available: true },
      },
      {
        externalId: 'az-2',
        name: 'az-2 (RegionOne)',
        country: null,
        extra: { region: 'RegionOne', available: true },
      },
    ]);
  });

  it('stops listing when the signal aborts, after the page it is on', async () => {
    const controller = new AbortController();
    let seen = 0;
    for await (const _ of driver(BIG, { perPage: 100 }).listMachines(controller.signal)) {
      seen += 1;
      if (seen === 110) controller.abort();
    }
    expect(seen).toBe(200);
  });

  it('retries a 429 after its Retry-After, and gives up on a 500 burst without resending a create', async () => {
    const d = driver(WORK, { retryMaxDelayMs: 5_000 });
    await d.validate();
    sim.knobs.burst({ status: 429, count: 1, retryAfterSeconds: 1 });
    const started = Date.now();
    await expect(d.listLocations()).resolves.toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);

    const once = driver(WORK, { retryAttempts: 3 });
    await once.validate();
    sim.knobs.burst({ status: 500, count: 10 });
    const before = sim.knobs.requests;
    try {
      const err = await once.listLocations().catch((e) => e);
      expect(err).toMatchObject({
        kind: 'unavailable',
        message: 'The server has either erred or is incapable of performing the requested operation.',
        options: { status: 500, code: 'computeFault' },
      });
      expect(sim.knobs.requests - before).toBe(3);
    } finally {
      sim.knobs.clearFaults();
    }
    sim.knobs.burst({ status: 500, count: 1 });
    const spec = { name: 'once', size: '1', image: '0d3c4f7e-2b8a-4e4f-9b1e-6c9a3f1d2e01', location: 'nova' };
    await expect(once.createMachine(spec)).rejects.toMatchObject({ kind: 'unavailable' });
    expect(
      sim
        .project('work')
        .listServers('RegionOne')
        .filter((s) => s.name === 'once'),
    ).toHaveLength(0);
    await once.createMachine(spec);
    expect(
      sim
        .project('work')
        .listServers('RegionOne')
        .filter((s) => s.name === 'once'),
    ).toHaveLength(1);
  });

  it("spends the token's budget, then says so as throttled with the wait", async () => {
    const small = await startOpenStackSim({
      projects: [{ name: 'p', servers: 1 }],
      users: [{ name: 'u', password: 'pw', projects: ['p'] }],
      rateLimit: { limit: 2, windowMs: 1_000 },
    });
    try {
      const make = (config: Record<string, unknown>) =>
        createOpenStackDriver({
          credentials: { username: 'u', password: 'pw', projectName: 'p' },
          endpoint: small.authUrl,
          config,
        });
      const d = make({ retryAttempts: 1 });
      await d.validate();
      // The token's budget: the version document, the server list, and no third call.
      const third = await d.listSizes().catch((e) => e);
      expect(third).toBeInstanceOf(ProviderError);
      expect(third).toMatchObject({
        kind: 'throttled',
        message: 'This request was rate-limited.',
        options: { status: 429, code: 'overLimit' },
      });
      expect(third.retryAfterMs).toBeGreaterThan(0);
      await expect(make({ retryBaseDelayMs: 1, retryMaxDelayMs: 3_000 }).listSizes()).resolves.toHaveLength(
        7,
      );
    } finally {
      await small.close();
    }
  });

  it('authenticates again when Keystone revokes the token, and before it expires', async () => {
    const d = driver(WORK, { tokenRenewMs: 0 });
    await d.validate();
    const auths = () => sim.requestLog.filter((r) => r.path === '/v3/auth/tokens').length;
    const before = auths();
    sim.identity.revokeAll();
    await expect(d.listSizes()).resolves.toHaveLength(7);
    expect(auths() - before).toBe(1);

    const short = await startOpenStackSim({
      projects: [{ name: 'p', servers: 1 }],
      users: [{ name: 'u', password: 'pw', projects: ['p'] }],
      tokenTtlMs: 3_000,
    });
    try {
      const renewing = createOpenStackDriver({
        credentials: { username: 'u', password: 'pw', projectName: 'p' },
        endpoint: short.authUrl,
        config: { tokenRenewMs: 2_000 },
      });
      await renewing.validate();
      // Past the renewal point (1 s into a 3 s token), well before its expiry.
      await sleep(1_100);
      await renewing.validate();
      const tokenCalls = short.requestLog.filter((r) => r.path === '/v3/auth/tokens').length;
      expect(tokenCalls).toBe(2);
      expect(short.requestLog.some((r) => r.project === null && r.path.includes('/compute/'))).toBe(false);
    } finally {
      await short.close();
    }
  });

  it('times out a hanging cloud as unavailable', async () => {
    const d = driver(WORK, { requestTimeoutMs: 150, retryAttempts: 2 });
    sim.knobs.hangMs = 2_000;
    try {
      const err = await d.validate().catch((e) => e);
      expect(err).toMatchObject({ kind: 'unavailable', message: 'OpenStack did not answer within 150 ms' });
    } finally {
      sim.knobs.hangMs = 0;
    }
  });
});
