// The Proxmox VE driver against the emulator, over HTTPS with a self-signed certificate, through
// the real client: inventory across nodes, pinning, both ways to log in, every action as a task,
// clones, disks, and failures in Proxmox's words.

import type { LookupFunction } from 'node:net';
import {
  type DriverInit,
  OUTBOUND_REFUSED,
  ProviderError,
  type RemoteMachine,
  type RemoteVolume,
} from '@overcast/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePveCertificate, type ProxmoxSim, startProxmoxSim } from '../../../cloud-sim/src/proxmox/index';
import { collect } from '../common/json-api';
import { sshPublicKey } from '../common/test-support/token-api-suite';
import type { ProxmoxCredentials } from './config';
import { createProxmoxDriver, createProxmoxDriverWithCertificate } from './index';

const TOKEN = 'overcast@pve!inventory=4f0c1b7e-9d2a-4e5b-8c3d-2a1f0e9d8c7b';
const READ_ONLY = 'audit@pve!look=0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0';

const tokens = [
  { id: 'overcast@pve!inventory', secret: '4f0c1b7e-9d2a-4e5b-8c3d-2a1f0e9d8c7b' },
  { id: 'audit@pve!look', secret: '0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0', readOnly: true },
];

const FAST = { taskPollMs: 10, retryBaseDelayMs: 5, retryMaxDelayMs: 50 };

describe('Proxmox VE driver on the emulator', () => {
  let sim: ProxmoxSim;

  const init = (
    credentials: ProxmoxCredentials = { apiToken: TOKEN },
    config: Record<string, unknown> = {},
  ): DriverInit<ProxmoxCredentials> => ({
    credentials,
    endpoint: sim.url,
    config: { certificateFingerprint: sim.certificate.fingerprint, ...FAST, ...config },
  });
  const driver = (credentials?: ProxmoxCredentials, config?: Record<string, unknown>) =>
    createProxmoxDriver(init(credentials, config));
  const machines = (d = driver()) => collect(d.listMachines(new AbortController().signal));
  const volumes = (d = driver()) => collect(d.listVolumes(new AbortController().signal));
  const byId = async (id: string): Promise<RemoteMachine | undefined> =>
    (await machines()).find((m) => m.externalId === id);

  beforeAll(async () => {
    sim = await startProxmoxSim({
      machines: 30,
      namePrefix: 'lab',
      tokens,
      users: [{ username: 'ops@pve', password: 'correct horse battery' }],
      actionDelayMs: 30,
      cloneDelayMs: 60,
      authFailureDelayMs: 50,
    });
  });
  afterAll(() => sim.close());

  it('lists every VM and container on every node, with addresses from the guest agent', async () => {
    const all = await machines();
    expect(all).toHaveLength(30);
    expect(new Set(all.map((m) => m.location))).toEqual(new Set(['pve1', 'pve2', 'pve3']));
    expect(all.map((m) => m.name)).not.toContain('debian-12-cloud');
    const vm = all.find((m) => m.externalId === '100')!;
    expect(vm).toMatchObject({
      name: 'lab-000000',
      state: 'running',
      rawState: 'running',
      size: '1c-1024m',
      location: 'pve1',
      tags: { prod: '' },
      privateIps: [],
      extra: { type: 'qemu', vmid: 100, cores: 1, memoryMb: 1024, diskGb: 32 },
    });
    // The agent's loopback interface and link-local address are left out.
    expect(vm.publicIps).toEqual([sim.cluster.guests.get(100)!.address]);
    expect(vm.publicIps[0]).toMatch(/^127\./);
    const ct = all.find((m) => m.externalId === '102')!;
    expect(ct).toMatchObject({ extra: { type: 'lxc' }, publicIps: [sim.cluster.guests.get(102)!.address] });
    // No agent configured (104), or stopped (109): no addresses, and no failed poll.
    expect(all.find((m) => m.externalId === '104')).toMatchObject({ state: 'running', publicIps: [] });
    expect(all.find((m) => m.externalId === '109')).toMatchObject({ state: 'stopped', publicIps: [] });
  });

  it('stops listing when the signal aborts', async () => {
    const controller = new AbortController();
    let seen = 0;
    for await (const _ of driver({ apiToken: TOKEN }, { concurrency: 2 }).listMachines(controller.signal)) {
      seen += 1;
      if (seen === 3) controller.abort();
    }
    expect(seen).toBe(8);
  });

  it("refuses wrong tokens in Proxmox's words, and a read-only token's changes", async () => {
    const started = Date.now();
    const wrong = await driver({ apiToken: 'overcast@pve!inventory=nope' })
      .validate()
      .catch((e) => e);
    expect(wrong).toBeInstanceOf(ProviderError);
    expect(wrong).toMatchObject({ kind: 'auth', message: 'invalid token value!', options: { status: 401 } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    const unknown = await driver({ apiToken: 'overcast@pve!other=x' })
      .validate()
      .catch((e) => e);
    expect(unknown).toMatchObject({ kind: 'auth', message: "no such token 'other' for user 'overcast@pve'" });
    const looker = driver({ apiToken: READ_ONLY });
    await expect(looker.validate()).resolves.toBeUndefined();
    const refused = await looker.machineAction('101', 'stop').catch((e) => e);
    expect(refused).toMatchObject({
      kind: 'auth',
      message: 'Permission check failed (/vms/101, VM.PowerMgmt)',
      options: { status: 403 },
    });
    expect(sim.cluster.guests.get(101)!.status).toBe('running');
    expect(() => createProxmoxDriver({ ...init(), credentials: { apiToken: 'no-bang' } })).toThrow(
      /user@realm!tokenid=secret/,
    );
    expect(() => createProxmoxDriver({ ...init(), endpoint: 'http://127.0.0.1:1' })).toThrow(
      /only over HTTPS/,
    );
  });

  it('logs in with a password for a ticket, and sends the CSRF token with changes', async () => {
    const d = driver({ username: 'ops@pve', password: 'correct horse battery' });
    const before = sim.requestLog.length;
    await d.machineAction('103', 'rename', { name: 'renamed-by-ticket' });
    expect(sim.cluster.guests.get(103)!.config.name).toBe('renamed-by-ticket');
    const log = sim.requestLog.slice(before);
    expect(log[0]).toMatchObject({ method: 'POST', path: '/api2/json/access/ticket' });
    expect(log.slice(1).every((r) => r.via === 'ticket' && r.user === 'ops@pve')).toBe(true);
    expect(log.filter((r) => r.path === '/api2/json/access/ticket')).toHaveLength(1);
    const bad = await driver({ username: 'ops@pve', password: 'wrong' })
      .validate()
      .catch((e) => e);
    expect(bad).toMatchObject({ kind: 'auth', message: 'authentication failure', options: { status: 401 } });
  });

  it('logs in again when its ticket has run out, once', async () => {
    const d = driver({ username: 'ops@pve', password: 'correct horse battery' });
    await d.validate();
    sim.expireTickets();
    const before = sim.requestLog.length;
    await expect(d.listLocations()).resolves.toHaveLength(3);
    expect(sim.requestLog.slice(before).map((r) => `${r.method} ${r.path} ${r.user}`)).toEqual([
      'GET /api2/json/nodes null',
      'POST /api2/json/access/ticket ops@pve',
      'GET /api2/json/nodes ops@pve',
    ]);
  });

  it('runs start, stop, reboot, rename and destroy as tasks and waits for them', async () => {
    const d = driver();
    await d.machineAction('106', 'stop');
    expect(await byId('106')).toMatchObject({ state: 'stopped', rawState: 'stopped' });
    await d.machineAction('106', 'start');
    expect(await byId('106')).toMatchObject({ state: 'running' });
    await d.machineAction('106', 'reboot');
    await d.machineAction('105', 'rename', { name: 'ct-renamed' });
    expect(sim.cluster.guests.get(105)!.config.hostname).toBe('ct-renamed');
    expect((await byId('105'))!.name).toBe('ct-renamed');
    const types = [...sim.cluster.tasks.values()]
      .filter((t) => t.id === '106')
      .map((t) => [t.type, t.exitstatus]);
    expect(types).toEqual([
      ['qmshutdown', 'OK'],
      ['qmstart', 'OK'],
      ['qmreboot', 'OK'],
    ]);
    // A running guest is stopped, then purged with its disks.
    await d.machineAction('108', 'destroy');
    expect(sim.cluster.guests.has(108)).toBe(false);
    expect([...sim.cluster.volumes.keys()].some((v) => v.includes('vm-108-'))).toBe(false);
    const gone = await d.machineAction('108', 'destroy').catch((e) => e);
    expect(gone).toMatchObject({ kind: 'not-found' });
    // A task that fails says why, in Proxmox's words.
    const failed = await d.machineAction('119', 'reboot').catch((e) => e);
    expect(failed).toMatchObject({ kind: 'conflict', message: 'VM 119 not running' });
    await expect(d.machineAction('abc', 'start')).rejects.toMatchObject({ kind: 'invalid' });
    await expect(d.machineAction('100', 'rename', { name: 'bad_name!' })).rejects.toMatchObject({
      kind: 'invalid',
    });
  });

  it('shuts a guest down cleanly and lets Proxmox stop it hard when it ignores ACPI', async () => {
    const guest = sim.cluster.guests.get(112)!;
    guest.ignoresShutdown = true;
    const started = Date.now();
    await driver({ apiToken: TOKEN }, { shutdownTimeoutS: 1 }).machineAction('112', 'stop');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(guest.status).toBe('stopped');
    const task = [...sim.cluster.tasks.values()].find((t) => t.id === '112')!;
    expect(task).toMatchObject({ type: 'qmshutdown', exitstatus: 'OK' });
  });

  it('creates a machine by cloning a template onto a node, sized and keyed', async () => {
    const d = driver();
    const publicKey = sshPublicKey('ops@overcast');
    const made = await d.createMachine({
      name: 'web-1',
      size: '2c-4096m',
      image: '9000',
      location: 'pve2',
      sshKey: { name: 'ops', publicKey },
      tags: { web: '' },
    });
    expect(made).toMatchObject({
      name: 'web-1',
      state: 'running',
      location: 'pve2',
      size: '2c-4096m',
      tags: { web: '' },
    });
    const guest = sim.cluster.guests.get(Number(made.externalId))!;
    expect(guest.config).toMatchObject({ cores: 2, memory: 4096, name: 'web-1', tags: 'web' });
    expect(decodeURIComponent(String(guest.config.sshkeys)).trim()).toBe(publicKey);
    expect(String(guest.config.scsi0)).toMatch(new RegExp(`^local-lvm:vm-${made.externalId}-disk-0,`));
    const clone = [...sim.cluster.tasks.values()].find((t) => t.type === 'qmclone')!;
    expect(clone).toMatchObject({ id: '9000', exitstatus: 'OK', user: 'overcast@pve!inventory' });
  });

  it('removes the clone again when it cannot be set up, so a failed create leaves nothing', async () => {
    const count = sim.cluster.guests.size;
    sim.cluster.refuseConfigUpdates = "storage 'local-lvm' is not online";
    try {
      const err = await driver()
        .createMachine({ name: 'half', size: '1c-1024m', image: '9001', location: 'pve3' })
        .catch((e) => e);
      expect(err).toMatchObject({
        kind: 'invalid',
        message: "storage 'local-lvm' is not online",
        options: { status: 500 },
      });
    } finally {
      sim.cluster.refuseConfigUpdates = null;
    }
    expect(sim.cluster.guests.size).toBe(count);
    expect([...sim.cluster.guests.values()].some((g) => g.config.name === 'half')).toBe(false);
    const destroyed = [...sim.cluster.tasks.values()].filter((t) => t.type === 'qmdestroy');
    expect(destroyed.at(-1)).toMatchObject({ node: 'pve3', exitstatus: 'OK' });
  });

  it('refuses a create it cannot carry out before making anything', async () => {
    const d = driver();
    const count = sim.cluster.guests.size;
    const before = sim.requestLog.length;
    const spec = { name: 'x-1', size: '1c-1024m', image: '9000', location: 'pve1' };
    const refusals = await Promise.all([
      d.createMachine({ ...spec, size: '3c-3m' }).catch((e) => e),
      d.createMachine({ ...spec, userData: '#cloud-config\n' }).catch((e) => e),
      d.createMachine({ ...spec, tags: { env: 'prod' } }).catch((e) => e),
      d.createMachine({ ...spec, image: '100' }).catch((e) => e),
      d
        .createMachine({ ...spec, image: '9100', sshKey: { name: 'k', publicKey: sshPublicKey('k') } })
        .catch((e) => e),
      d.createMachine({ ...spec, location: 'pve9' }).catch((e) => e),
      d.createMachine({ ...spec, name: 'not a name' }).catch((e) => e),
    ]);
    for (const err of refusals) expect(err).toMatchObject({ kind: 'invalid' });
    expect(refusals[0].message).toMatch(/not a size of this cloud/);
    expect(refusals[3].message).toBe('lab-000000 (100) is not a template.');
    expect(refusals[5].message).toBe("There is no node 'pve9' in this cluster.");
    expect(sim.cluster.guests.size).toBe(count);
    expect(sim.requestLog.slice(before).filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('lists disks as volumes; detaches, attaches back and deletes one', async () => {
    const d = driver();
    const find = async (id: string) => (await volumes(d)).find((v) => v.externalId === id);
    const all = await volumes(d);
    expect(all.some((v) => v.externalId.startsWith('local-lvm:base-'))).toBe(false);
    const data = 'local-lvm:vm-116-disk-1';
    expect(await find(data)).toMatchObject({
      name: 'vm-116-disk-1',
      sizeGb: 100,
      state: 'in-use',
      rawState: 'scsi1',
      location: 'pve2',
      attachedTo: ['116'],
      extra: { storage: 'local-lvm', owner: 116 },
    });
    expect(await find('local-lvm:vm-117-disk-0')).toMatchObject({
      rawState: 'rootfs',
      sizeGb: 8,
      attachedTo: ['117'],
    });
    const attached = await d.volumeAction({ op: 'delete', volumeId: data }).catch((e) => e);
    expect(attached).toMatchObject({
      kind: 'conflict',
      message: `volume '${data}' is attached as scsi1: detach it first`,
    });
    await d.volumeAction({ op: 'detach', volumeId: data, machineId: '116' });
    // Unused disks have no size in the config: it comes from the storage's content list.
    expect(await find(data)).toMatchObject({
      state: 'available',
      rawState: 'unused0',
      sizeGb: 100,
      attachedTo: [],
    });
    const elsewhere = await d
      .volumeAction({ op: 'attach', volumeId: data, machineId: '100' })
      .catch((e) => e);
    expect(elsewhere).toMatchObject({ kind: 'conflict' });
    await d.volumeAction({ op: 'attach', volumeId: data, machineId: '116' });
    expect(await find(data)).toMatchObject({ state: 'in-use', rawState: 'scsi1', attachedTo: ['116'] });
    await d.volumeAction({ op: 'detach', volumeId: data, machineId: '116' });
    await d.volumeAction({ op: 'delete', volumeId: data });
    expect(await find(data)).toBeUndefined();
    expect(sim.cluster.volumes.has(data)).toBe(false);
    const made = await d
      .volumeAction({ op: 'create', name: 'x', sizeGb: 10, location: 'pve1' })
      .catch((e) => e);
    expect(made).toMatchObject({ kind: 'invalid' });
    const missing = await d
      .volumeAction({ op: 'delete', volumeId: 'local-lvm:vm-999-disk-0' })
      .catch((e) => e);
    expect(missing).toMatchObject({ kind: 'not-found' });
    await expect(d.volumeAction({ op: 'delete', volumeId: '../etc' })).rejects.toMatchObject({
      kind: 'invalid',
    });
    expect(all.every((v: RemoteVolume) => v.location !== null)).toBe(true);
  });

  it('resolves the node through the lookup it is given, and never connects where that refuses', async () => {
    const asked: string[] = [];
    const refuse: LookupFunction = (host, _options, callback) => {
      asked.push(host);
      callback(Object.assign(new Error(`${host} is not allowed`), { code: OUTBOUND_REFUSED }), '', 0);
    };
    const before = sim.knobs.requests;
    const err = await createProxmoxDriver({
      ...init(),
      endpoint: `https://localhost:${sim.port}`,
      lookup: refuse,
    })
      .validate()
      .catch((e) => e);
    expect(err).toMatchObject({ kind: 'unavailable', options: { code: OUTBOUND_REFUSED } });
    // A refusal is a policy, not an outage: asked once, never retried, nothing sent.
    expect(asked).toEqual(['localhost']);
    expect(sim.knobs.requests).toBe(before);
    const known: LookupFunction = (host, options, callback) => {
      asked.push(host);
      if ((options as { all?: boolean }).all)
        (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [
          { address: '127.0.0.1', family: 4 },
        ]);
      else callback(null, '127.0.0.1', 4);
    };
    const named = createProxmoxDriver({ ...init(), endpoint: `pve.cluster.test:${sim.port}`, lookup: known });
    await expect(named.validate()).resolves.toBeUndefined();
    expect(asked).toContain('pve.cluster.test');
  });

  it('lists sizes (built in and the cloud’s own), templates as images, nodes as locations', async () => {
    const d = driver({ apiToken: TOKEN }, { sizes: [{ cores: 6, memoryMb: 12288, name: 'Build box' }] });
    const sizes = await d.listSizes();
    expect(sizes.find((s) => s.externalId === '2c-4096m')).toMatchObject({
      name: '2 vCPU, 4 GiB',
      cpus: 2,
      memoryMb: 4096,
    });
    expect(sizes.find((s) => s.externalId === '6c-12288m')).toMatchObject({ name: 'Build box' });
    expect(sizes.every((s) => s.priceMonthly === undefined)).toBe(true);
    const images = await d.listImages();
    expect(images.map((i) => [i.externalId, i.name, i.os])).toEqual([
      ['9000', 'debian-12-cloud', 'debian'],
      ['9001', 'ubuntu-24.04-cloud', 'ubuntu'],
      ['9100', 'alpine-3.20', 'alpine'],
    ]);
    expect((await d.listLocations()).map((l) => l.externalId)).toEqual(['pve1', 'pve2', 'pve3']);
  });

  it('retries a 429 after its Retry-After, gives up on a long outage, and times out a hang', async () => {
    const d = driver({ apiToken: TOKEN }, { retryMaxDelayMs: 5_000 });
    sim.knobs.burst({ status: 429, count: 1, retryAfterSeconds: 1 });
    const started = Date.now();
    await expect(d.listLocations()).resolves.toHaveLength(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);

    const before = sim.knobs.requests;
    sim.knobs.burst({ status: 500, count: 10 });
    try {
      const err = await driver({ apiToken: TOKEN }, { retryAttempts: 3 })
        .listLocations()
        .catch((e) => e);
      expect(err).toMatchObject({
        kind: 'unavailable',
        message: 'Internal Server Error',
        options: { status: 500 },
      });
      expect(sim.knobs.requests - before).toBe(3);
    } finally {
      sim.knobs.clearFaults();
    }

    sim.knobs.hangMs = 2_000;
    try {
      const err = await driver({ apiToken: TOKEN }, { requestTimeoutMs: 150, retryAttempts: 1 })
        .validate()
        .catch((e) => e);
      expect(err).toMatchObject({ kind: 'unavailable', message: 'Proxmox VE did not answer within 150 ms' });
    } finally {
      sim.knobs.hangMs = 0;
    }
  });
});

describe('Proxmox VE certificate pinning', () => {
  let sim: ProxmoxSim;
  beforeAll(async () => {
    sim = await startProxmoxSim({ tokens, authFailureDelayMs: 0 });
  });
  afterAll(() => sim.close());

  const make = (certificateFingerprint?: string) =>
    createProxmoxDriverWithCertificate({
      credentials: { apiToken: TOKEN },
      endpoint: sim.url,
      config: { ...FAST, retryAttempts: 1, ...(certificateFingerprint ? { certificateFingerprint } : {}) },
    });

  it('trusts the certificate on first use and tells which it was, to be pinned', async () => {
    const d = make();
    expect(d.certificate).toBeNull();
    await d.validate();
    expect(d.certificate).toEqual({ fingerprint: sim.certificate.fingerprint, firstUse: true });
    // A pasted fingerprint may be lowercase and without colons.
    const pasted = sim.certificate.fingerprint.replaceAll(':', '').toLowerCase();
    const pinned = make(pasted);
    await pinned.validate();
    expect(pinned.certificate).toEqual({ fingerprint: sim.certificate.fingerprint, firstUse: false });
  });

  it('refuses a changed certificate, showing both fingerprints, before sending the token', async () => {
    const original = sim.certificate;
    const other = makePveCertificate('pve1');
    sim.replaceCertificate(other);
    try {
      const before = sim.requestLog.length;
      const err = await make(original.fingerprint)
        .validate()
        .catch((e) => e);
      expect(err).toBeInstanceOf(ProviderError);
      expect(err.kind).toBe('auth');
      expect(err.message).toContain(
        `expected ${original.fingerprint}, the server presented ${other.fingerprint}`,
      );
      expect(sim.requestLog.length).toBe(before);
    } finally {
      sim.replaceCertificate(original);
    }
    expect(() => make('not-a-fingerprint')).toThrow(/SHA-256 certificate fingerprint/);
  });

  it('spends a budget a proxy in front sets, then waits for it to refill', async () => {
    const small = await startProxmoxSim({
      tokens,
      rateLimit: { limit: 2, windowMs: 1_000 },
      certificate: sim.certificate,
    });
    try {
      const at = (config: Record<string, unknown>) =>
        createProxmoxDriver({
          credentials: { apiToken: TOKEN },
          endpoint: small.url,
          config: { certificateFingerprint: small.certificate.fingerprint, ...config },
        });
      await at({}).listLocations();
      await at({}).listLocations();
      const third = await at({ retryAttempts: 1 })
        .listLocations()
        .catch((e) => e);
      expect(third).toMatchObject({
        kind: 'throttled',
        message: 'Too Many Requests',
        options: { status: 429 },
      });
      expect(third.retryAfterMs).toBeGreaterThan(0);
      await expect(at({ retryBaseDelayMs: 1, retryMaxDelayMs: 3_000 }).listLocations()).resolves.toHaveLength(
        3,
      );
    } finally {
      await small.close();
    }
  });
});
