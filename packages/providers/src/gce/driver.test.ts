// The driver against the Compute Engine emulator, through @google-cloud/compute's REST transport
// and a real OAuth exchange with a freshly generated service account key.

import { generateKeyPairSync } from 'node:crypto';
import {
  type ProviderDriver,
  ProviderError,
  type RemoteMachine,
  type RemoteVolume,
} from '@overcast/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GceSim, startGceSim } from '../../../cloud-sim/src/gce/index';
import { createGceDriver } from './index';

const FAST = { retryBaseDelayMs: 5, retryMaxDelayMs: 50, requestTimeoutMs: 5_000 };
const EMAIL = 'overcast-sync@proj-a.iam.gserviceaccount.com';

const rsa = () =>
  generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
const keys = rsa();

function sshPublicKey(): string {
  const der = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' });
  const type = Buffer.from('ssh-ed25519');
  const blob = Buffer.concat([
    Buffer.from([0, 0, 0, type.length]),
    type,
    Buffer.from([0, 0, 0, 32]),
    der.subarray(-32),
  ]);
  return `ssh-ed25519 ${blob.toString('base64')} ops@overcast`;
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('Compute Engine driver on the emulator', () => {
  let sim: GceSim;
  const serviceAccount = (over: Record<string, unknown> = {}) => ({
    type: 'service_account',
    project_id: 'proj-a',
    private_key_id: 'key-1',
    private_key: keys.privateKey,
    client_email: EMAIL,
    client_id: '100000000000000000001',
    token_uri: sim.tokenUri,
    ...over,
  });
  const driver = (config: Record<string, unknown> = {}, sa = serviceAccount()): ProviderDriver =>
    createGceDriver({
      credentials: { serviceAccount: sa },
      endpoint: sim.url,
      config: { ...FAST, ...config },
    });
  const machines = (d: ProviderDriver) => collect(d.listMachines(new AbortController().signal));
  const volumes = (d: ProviderDriver) => collect(d.listVolumes(new AbortController().signal));
  const byId = async (d: ProviderDriver, id: string): Promise<RemoteMachine | undefined> =>
    (await machines(d)).find((m) => m.externalId === id);

  beforeAll(async () => {
    sim = await startGceSim({
      serviceAccounts: [
        { email: EMAIL, projects: ['proj-a', 'small'], publicKey: keys.publicKey },
        { email: 'b@proj-b.iam.gserviceaccount.com', projects: ['proj-b'] },
      ],
      projects: [
        { id: 'proj-a', instances: 2_500, namePrefix: 'vm' },
        { id: 'proj-b', instances: 2 },
        // Lifecycle tests list often; a small project keeps that quick.
        { id: 'small', instances: 20, namePrefix: 'vm' },
      ],
      provisionMs: 20,
      stopMs: 20,
      operationMs: 10,
    });
  });
  afterAll(() => sim.close());

  it('lists 2,500 instances page by page, with the boot image from the disk list', async () => {
    const d = driver();
    await d.validate();
    const before = sim.requestLog.length;
    const all = await machines(d);
    expect(all).toHaveLength(2_500);
    expect(new Set(all.map((m) => m.externalId)).size).toBe(2_500);
    const paths = sim.requestLog.slice(before).map((r) => r.path.split('?')[0] ?? '');
    expect(paths.filter((p) => p.endsWith('/aggregated/instances'))).toHaveLength(5);
    expect(paths.filter((p) => p.endsWith('/aggregated/disks'))).toHaveLength(5);

    const first = all.find((m) => m.name === 'vm-000000')!;
    expect(first).toMatchObject({
      externalId: 'us-central1-a/vm-000000',
      state: 'running',
      rawState: 'RUNNING',
      size: 'e2-micro',
      image: 'projects/debian-cloud/global/images/debian-12-bookworm-v20240611',
      location: 'us-central1-a',
      publicIps: ['127.32.0.2'],
      privateIps: ['127.40.0.2'],
      createdAt: new Date('2024-01-01T00:00:00Z'),
      tags: { env: 'prod', team: 'web' },
    });
    expect(first.extra).toMatchObject({
      networkTags: ['http-server', 'https-server'],
      cpuPlatform: 'Intel Broadwell',
    });
    expect(JSON.parse(JSON.stringify(first.extra))).toEqual(first.extra);
    // TERMINATED is stopped, and a stopped instance holds no ephemeral address.
    expect(all.find((m) => m.name === 'vm-000009')).toMatchObject({
      state: 'stopped',
      rawState: 'TERMINATED',
      publicIps: [],
    });
  });

  it('stops listing when the signal aborts', async () => {
    const controller = new AbortController();
    let seen = 0;
    for await (const _ of driver({ pageSize: 100, resolveImages: false }).listMachines(controller.signal)) {
      seen += 1;
      if (seen === 150) controller.abort();
    }
    expect(seen).toBeLessThanOrEqual(200);
    expect(seen).toBeGreaterThanOrEqual(150);
  });

  it('retries a page that hits a 429 burst and carries on where it was', async () => {
    const d = driver({ pageSize: 100, resolveImages: false });
    await d.validate();
    const names: string[] = [];
    for await (const m of d.listMachines(new AbortController().signal)) {
      names.push(m.name);
      if (names.length === 1) sim.knobs.burst({ status: 429, count: 2 });
    }
    expect(names).toHaveLength(2_500);
    expect(new Set(names).size).toBe(2_500);
  });

  it('wrong credentials fail as auth, in Google words', async () => {
    const stranger = await driver(
      {},
      serviceAccount({ client_email: 'ghost@proj-a.iam.gserviceaccount.com' }),
    )
      .validate()
      .catch((e) => e);
    expect(stranger).toBeInstanceOf(ProviderError);
    expect(stranger).toMatchObject({
      kind: 'auth',
      message: 'invalid_grant: Invalid grant: account not found',
    });

    const forged = await driver({}, serviceAccount({ private_key: rsa().privateKey }))
      .validate()
      .catch((e) => e);
    expect(forged).toMatchObject({ kind: 'auth', message: 'invalid_grant: Invalid JWT Signature.' });

    const elsewhere = await driver({ project: 'proj-b' })
      .validate()
      .catch((e) => e);
    expect(elsewhere).toMatchObject({
      kind: 'auth',
      message: "Required 'compute.zones.list' permission for 'projects/proj-b'",
      options: { status: 403 },
    });

    expect(() => createGceDriver({ credentials: { serviceAccount: { client_email: 'x' } } })).toThrow(
      ProviderError,
    );
  });

  it('fetches a new token when the old one is refused', async () => {
    const d = driver();
    await d.validate();
    sim.auth.revokeAll();
    await expect(d.validate()).resolves.toBeUndefined();
  });

  it('creates an instance with key, labels and startup script, then runs every action', async () => {
    const d = driver({ project: 'small' });
    const publicKey = sshPublicKey();
    const created = await d.createMachine({
      name: 'app-1',
      size: 'e2-small',
      image: 'projects/debian-cloud/global/images/family/debian-12',
      location: 'europe-west1-b',
      sshKey: { name: 'ops', publicKey },
      tags: { env: 'prod', owner: '' },
      userData: '#!/bin/sh\necho hello\n',
    });
    expect(created).toMatchObject({
      externalId: 'europe-west1-b/app-1',
      name: 'app-1',
      state: 'running',
      size: 'e2-small',
      image: 'projects/debian-cloud/global/images/debian-12-bookworm-v20240611',
      location: 'europe-west1-b',
      tags: { env: 'prod', owner: '' },
    });
    expect(created.extra.metadataKeys).toEqual(['startup-script', 'ssh-keys']);
    const stored = sim.project('small').instances.get('europe-west1-b/app-1')!;
    expect(stored.metadata).toEqual([
      { key: 'startup-script', value: '#!/bin/sh\necho hello\n' },
      { key: 'ssh-keys', value: `overcast:${publicKey}` },
    ]);
    expect(stored.disks[0]).toMatchObject({ boot: true, autoDelete: true });
    expect(sim.project('small').disks.get('europe-west1-b/app-1')!.type).toBe('pd-balanced');

    const id = created.externalId;
    const renaming = await d.machineAction(id, 'rename', { name: 'app-2' }).catch((e) => e);
    expect(renaming).toMatchObject({ kind: 'invalid' });
    expect(renaming.message).toMatch(/only rename a stopped instance; 'app-1' is RUNNING/);

    await d.machineAction(id, 'stop');
    expect(await byId(d, id)).toMatchObject({ state: 'stopped', rawState: 'TERMINATED' });
    await d.machineAction(id, 'rename', { name: 'app-2' });
    const renamed = await byId(d, 'europe-west1-b/app-2');
    expect(renamed).toMatchObject({ name: 'app-2', state: 'stopped' });
    expect(await byId(d, id)).toBeUndefined();

    await d.machineAction('europe-west1-b/app-2', 'start');
    expect(await byId(d, 'europe-west1-b/app-2')).toMatchObject({ state: 'running' });
    const resetsBefore = sim.requestLog.filter((r) => r.path.endsWith('/reset')).length;
    await d.machineAction('europe-west1-b/app-2', 'reboot');
    expect(sim.requestLog.filter((r) => r.path.endsWith('/reset')).length).toBe(resetsBefore + 1);
    await d.machineAction('europe-west1-b/app-2', 'destroy');
    expect(await byId(d, 'europe-west1-b/app-2')).toBeUndefined();
    const gone = await d.machineAction('europe-west1-b/app-2', 'start').catch((e) => e);
    expect(gone).toMatchObject({
      kind: 'not-found',
      message: "The resource 'projects/small/zones/europe-west1-b/instances/app-2' was not found",
    });
    await expect(d.machineAction('not an id', 'start')).rejects.toMatchObject({ kind: 'invalid' });
  });

  it('reports a refused create with Google words and never sends it twice', async () => {
    const d = driver({ retryAttempts: 5 });
    const bad = await d
      .createMachine({
        name: 'x1',
        size: 'e9-huge',
        image: 'projects/debian-cloud/global/images/family/debian-12',
        location: 'us-east1-b',
      })
      .catch((e) => e);
    expect(bad).toMatchObject({ kind: 'invalid' });
    expect(bad.message).toMatch(
      /^Invalid value for field 'resource.machineType'.*Machine type with name 'e9-huge'/,
    );
    await d.validate();
    const before = sim.knobs.requests;
    sim.knobs.burst({ status: 500, count: 1 });
    const failed = await d
      .createMachine({
        name: 'once',
        size: 'e2-small',
        image: 'projects/debian-cloud/global/images/family/debian-12',
        location: 'us-east1-b',
      })
      .catch((e) => e);
    expect(failed).toMatchObject({ kind: 'unavailable' });
    expect(sim.knobs.requests - before).toBe(1);
    expect(sim.project('proj-a').instances.has('us-east1-b/once')).toBe(false);
  });

  it('creates, attaches, detaches and deletes disks', async () => {
    const d = driver({ project: 'small' });
    const made = (await d.volumeAction({
      op: 'create',
      name: 'data-1',
      sizeGb: 50,
      location: 'us-central1-a',
    })) as RemoteVolume;
    expect(made).toMatchObject({
      externalId: 'us-central1-a/data-1',
      name: 'data-1',
      sizeGb: 50,
      location: 'us-central1-a',
      attachedTo: [],
      extra: { type: 'pd-balanced' },
    });
    await d.volumeAction({ op: 'attach', volumeId: made.externalId, machineId: 'us-central1-a/vm-000000' });
    const listed = (await volumes(d)).find((v) => v.externalId === made.externalId);
    expect(listed).toMatchObject({
      state: 'in-use',
      rawState: 'READY',
      attachedTo: ['us-central1-a/vm-000000'],
    });

    const taken = await d
      .volumeAction({ op: 'attach', volumeId: made.externalId, machineId: 'us-central1-a/vm-000014' })
      .catch((e) => e);
    expect(taken).toMatchObject({
      kind: 'conflict',
      options: { code: 'RESOURCE_IN_USE_BY_ANOTHER_RESOURCE' },
    });
    expect(taken.message).toMatch(
      /is already being used by 'projects\/small\/zones\/us-central1-a\/instances\/vm-000000'/,
    );
    const busy = await d.volumeAction({ op: 'delete', volumeId: made.externalId }).catch((e) => e);
    expect(busy).toMatchObject({ kind: 'conflict' });
    const crossZone = await d
      .volumeAction({ op: 'attach', volumeId: made.externalId, machineId: 'us-east1-b/vm-000004' })
      .catch((e) => e);
    expect(crossZone).toMatchObject({ kind: 'invalid' });

    await d.volumeAction({ op: 'detach', volumeId: made.externalId, machineId: 'us-central1-a/vm-000000' });
    expect((await volumes(d)).find((v) => v.externalId === made.externalId)).toMatchObject({
      attachedTo: [],
    });
    await d.volumeAction({ op: 'detach', volumeId: made.externalId, machineId: 'us-central1-a/vm-000000' });
    await d.volumeAction({ op: 'delete', volumeId: made.externalId });
    expect((await volumes(d)).find((v) => v.externalId === made.externalId)).toBeUndefined();
  });

  it('lists machine types once per name, images and zones', async () => {
    const d = driver();
    const sizes = await d.listSizes();
    expect(sizes).toHaveLength(10);
    expect(sizes.find((s) => s.externalId === 'n2-standard-4')).toMatchObject({
      cpus: 4,
      memoryMb: 16384,
      diskGb: null,
      locations: expect.arrayContaining(['us-central1-a', 'asia-east1-b']),
    });
    expect(sizes[0]!.locations).toHaveLength(14);
    const images = await d.listImages();
    expect(images.map((i) => i.externalId)).toEqual([
      'projects/debian-cloud/global/images/debian-12-bookworm-v20240611',
      'projects/debian-cloud/global/images/debian-11-bullseye-v20240611',
      'projects/ubuntu-os-cloud/global/images/ubuntu-2204-jammy-v20240614',
      'projects/ubuntu-os-cloud/global/images/ubuntu-2404-noble-amd64-v20240607',
    ]);
    expect(images[0]).toMatchObject({ os: 'debian', isPublic: true, extra: { family: 'debian-12' } });
    const zones = await d.listLocations();
    expect(zones).toHaveLength(14);
    expect(zones.find((z) => z.externalId === 'europe-west4-a')).toMatchObject({
      country: 'NL',
      extra: { region: 'europe-west4', status: 'UP' },
    });
  });

  it('gives up on a 500 burst longer than its retry budget, as unavailable', async () => {
    const d = driver({ retryAttempts: 3 });
    await d.validate();
    const before = sim.knobs.requests;
    sim.knobs.burst({ status: 500, count: 10 });
    try {
      const err = await d.listLocations().catch((e) => e);
      expect(err).toMatchObject({
        kind: 'unavailable',
        message: 'Internal error. Please try again or contact Google Support.',
      });
      expect(sim.knobs.requests - before).toBe(3);
    } finally {
      sim.knobs.clearFaults();
    }
  });

  it('retries a 429 burst on the token endpoint and the API', async () => {
    const d = driver();
    sim.knobs.burst({ status: 429, count: 3 });
    await expect(d.listLocations()).resolves.toHaveLength(14);
  });

  it('times out a hanging API as unavailable', async () => {
    const d = driver({ requestTimeoutMs: 200, retryAttempts: 2 });
    await d.validate();
    sim.knobs.hangMs = 2_000;
    try {
      const started = Date.now();
      const err = await d.validate().catch((e) => e);
      expect(err).toMatchObject({
        kind: 'unavailable',
        message: 'Compute Engine did not answer within 200 ms',
      });
      expect(Date.now() - started).toBeLessThan(1_500);
      const fresh = await driver({ requestTimeoutMs: 200, retryAttempts: 1 })
        .validate()
        .catch((e) => e);
      expect(fresh).toMatchObject({
        kind: 'unavailable',
        message: "Google's token endpoint did not answer within 200 ms",
      });
    } finally {
      sim.knobs.hangMs = 0;
    }
  });
});
