// The Azure driver against the emulator through the real SDK clients and @azure/identity: sign-in
// with a secret or a certificate over TLS, every subscription the principal sees, VMs with their
// power state, stopped and deallocated priced apart, actions as long-running operations, create,
// managed disks, errors in Azure's words, throttling and paging.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ProviderDriver, ProviderError, type RemoteMachine } from '@overcast/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AzureSim, startAzureSim } from '../../../cloud-sim/src/azure/index';
import { createAzureDriver } from './index';

const TENANT = '11111111-2222-3333-4444-555555555555';
const CLIENT = 'aaaaaaaa-0000-0000-0000-000000000001';
const CERT_CLIENT = 'aaaaaaaa-0000-0000-0000-000000000002';
const SUB_A = '00000000-0000-0000-0000-00000000000a';
const SUB_B = '00000000-0000-0000-0000-00000000000b';
const SUB_OTHER = '00000000-0000-0000-0000-00000000000c';
const SECRET = 'Q~sim.secret-value';

/** A self-signed certificate and its key in one PEM, as `az ad sp create-for-rbac --create-cert` writes. */
function certificatePem(): { pem: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'azure-cert-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        join(dir, 'k.pem'),
        '-out',
        join(dir, 'c.pem'),
        '-days',
        '2',
        '-subj',
        '/CN=overcast-test',
      ],
      { stdio: 'pipe' },
    );
    const cert = readFileSync(join(dir, 'c.pem'), 'utf8');
    return { pem: `${readFileSync(join(dir, 'k.pem'), 'utf8')}${cert}`, cert };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let sim: AzureSim;
const certificate = certificatePem();

const FAST = { retryAttempts: 4, retryBaseDelayMs: 1, retryMaxDelayMs: 50, pollIntervalMs: 20 };

function driver(
  over: { credentials?: Record<string, unknown>; config?: Record<string, unknown> } = {},
): ProviderDriver {
  return createAzureDriver({
    credentials: { tenantId: TENANT, clientId: CLIENT, clientSecret: SECRET, ...over.credentials },
    endpoint: sim.url,
    config: {
      authorityHost: sim.url,
      caCertificate: sim.ca,
      pricesEndpoint: sim.url,
      ...FAST,
      ...over.config,
    },
  });
}

async function machines(d: ProviderDriver): Promise<RemoteMachine[]> {
  const out: RemoteMachine[] = [];
  for await (const m of d.listMachines(new AbortController().signal)) out.push(m);
  return out;
}

async function failure(p: Promise<unknown>): Promise<ProviderError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ProviderError);
    return err as ProviderError;
  }
  throw new Error('expected a failure');
}

beforeAll(async () => {
  sim = await startAzureSim({
    principals: [
      { tenantId: TENANT, clientId: CLIENT, secret: SECRET, subscriptions: [SUB_A, SUB_B] },
      { tenantId: TENANT, clientId: CERT_CLIENT, certificate: certificate.cert, subscriptions: [SUB_B] },
    ],
    subscriptions: [
      { id: SUB_A, vms: 12, namePrefix: 'web' },
      { id: SUB_B, vms: 3, namePrefix: 'db', resourceGroup: 'data' },
      { id: SUB_OTHER, vms: 2, namePrefix: 'hidden' },
    ],
    pageSize: 5,
    transitionMs: 150,
  });
});
afterAll(() => sim?.close());

describe('Azure driver on the emulator', () => {
  it('signs in with a client secret and lists the VMs of every subscription it sees, across pages', async () => {
    const all = await machines(driver());
    expect(all).toHaveLength(15);
    expect(all.map((m) => m.name)).not.toContain('hidden-1');
    const web1 = all.find((m) => m.name === 'web-1')!;
    expect(web1).toMatchObject({
      state: 'running',
      rawState: 'running',
      size: 'Standard_B1s',
      location: 'eastus',
      image: 'Canonical:ubuntu-24_04-lts:server:24.04.202501140',
      tags: { env: 'prod' },
    });
    expect(web1.externalId).toBe(
      `/subscriptions/${SUB_A}/resourceGroups/overcast-rg/providers/Microsoft.Compute/virtualMachines/web-1`,
    );
    expect(web1.publicIps).toHaveLength(1);
    expect(web1.publicIps[0]).toMatch(/^127\./);
    expect(web1.privateIps[0]).toMatch(/^127\.(5[6-9]|6[0-3])\./); // Azure's private block in the emulator
  });

  it('keeps stopped (still billed) and deallocated (not billed) apart in rawState and cost', async () => {
    const all = await machines(driver());
    const running = all.find((m) => m.name === 'web-1')!;
    const stopped = all.find((m) => m.name === 'web-4')!;
    const deallocated = all.find((m) => m.name === 'web-5')!;
    expect(running.costHourly).toEqual({ amount: '0.0104', currency: 'USD' });
    expect(stopped).toMatchObject({ state: 'stopped', rawState: 'stopped' });
    expect(Number(stopped.costHourly?.amount)).toBeGreaterThan(0);
    expect(deallocated).toMatchObject({ state: 'stopped', rawState: 'deallocated' });
    expect(deallocated.costHourly).toEqual({ amount: '0.0000', currency: 'USD' });
  });

  it('signs in with a client certificate (a signed assertion) and sees only its subscription', async () => {
    const d = driver({
      credentials: { clientId: CERT_CLIENT, clientSecret: undefined, clientCertificate: certificate.pem },
    });
    await d.validate();
    expect((await machines(d)).map((m) => m.name).sort()).toEqual(['db-1', 'db-2', 'db-3']);
  });

  it("refuses a wrong secret, an unknown application and an unknown tenant in Entra ID's words", async () => {
    const wrong = await failure(driver({ credentials: { clientSecret: 'nope' } }).validate());
    expect(wrong.kind).toBe('auth');
    expect(wrong.message).toContain('AADSTS7000215');
    const unknown = await failure(
      driver({ credentials: { clientId: 'aaaaaaaa-0000-0000-0000-0000000000ff' } }).validate(),
    );
    expect(unknown.kind).toBe('auth');
    expect(unknown.message).toContain('AADSTS700016');
    const tenant = await failure(
      driver({ credentials: { tenantId: '99999999-2222-3333-4444-555555555555' } }).validate(),
    );
    expect(tenant.kind).toBe('auth');
    expect(tenant.message).toContain('check the tenant (directory) id');
    const bad = await failure(
      driver({
        credentials: {
          clientId: CERT_CLIENT,
          clientSecret: undefined,
          clientCertificate: certificatePem().pem,
        },
      }).validate(),
    );
    expect(bad.kind).toBe('auth');
    expect(bad.message).toContain('AADSTS700027');
  });

  it('refuses a subscription the principal has no role on, as ARM does', async () => {
    const err = await failure(driver({ config: { subscriptionId: SUB_OTHER } }).validate());
    expect(err.kind).toBe('auth');
    expect(err.message).toContain('does not have authorization to perform action');
    const gone = await failure(
      driver({ config: { subscriptionId: '00000000-0000-0000-0000-0000000000ee' } }).validate(),
    );
    expect(gone.kind).toBe('not-found');
    expect(gone.message).toContain('could not be found');
  });

  it('stops (still allocated), deallocates, starts and restarts a VM, following the operations', async () => {
    const d = driver({ config: { subscriptionId: SUB_B } });
    const id = `/subscriptions/${SUB_B}/resourceGroups/data/providers/Microsoft.Compute/virtualMachines/db-1`;
    const state = async () => (await machines(d)).find((m) => m.externalId === id)!;
    await d.machineAction(id, 'stop');
    const stopped = await state();
    expect(stopped).toMatchObject({ state: 'stopped', rawState: 'stopped' });
    expect(Number(stopped.costHourly?.amount)).toBeGreaterThan(0);
    await d.machineAction(id, 'deallocate');
    expect(await state()).toMatchObject({
      state: 'stopped',
      rawState: 'deallocated',
      costHourly: { amount: '0.0000', currency: 'USD' },
    });
    await d.machineAction(id, 'start');
    const started = await state();
    expect(started).toMatchObject({ state: 'running', rawState: 'running' });
    expect(started.costHourly).toEqual(stopped.costHourly);
    // Straight from running, as `az vm deallocate` does.
    await d.machineAction(id, 'deallocate');
    expect(await state()).toMatchObject({ state: 'stopped', rawState: 'deallocated' });
    await d.machineAction(id, 'start');
    await d.machineAction(id, 'reboot');
    expect(await state()).toMatchObject({ state: 'running', rawState: 'running' });
  });

  it("refuses rename in Azure's words, and ids that are not VMs", async () => {
    const d = driver();
    const id = `/subscriptions/${SUB_A}/resourceGroups/overcast-rg/providers/Microsoft.Compute/virtualMachines/web-2`;
    const rename = await failure(d.machineAction(id, 'rename', { name: 'other' }));
    expect(rename.kind).toBe('invalid');
    expect(rename.message).toContain('Azure does not support renaming a virtual machine');
    const foreign = await failure(d.machineAction('../../etc/passwd', 'start'));
    expect(foreign.kind).toBe('invalid');
    const missing = await failure(d.machineAction(id.replace('web-2', 'nope'), 'start'));
    expect(missing.kind).toBe('not-found');
    expect(missing.message).toContain("The Resource 'Microsoft.Compute/virtualMachines/nope'");
  });

  it('creates a VM with its public IP and NIC, then destroys it with them', async () => {
    const d = driver({
      config: {
        subscriptionId: SUB_A,
        resourceGroup: 'overcast-rg',
        subnetId: `/subscriptions/${SUB_A}/resourceGroups/overcast-rg/providers/Microsoft.Network/virtualNetworks/overcast-rg-vnet/subnets/default`,
      },
    });
    const vm = await d.createMachine({
      name: 'fresh',
      size: 'Standard_B2s',
      image: 'Canonical:ubuntu-24_04-lts:server:latest',
      location: 'westeurope',
      sshKey: { name: 'me', publicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ me@host' },
      tags: { team: 'ops' },
      userData: '#cloud-config\n',
    });
    expect(vm).toMatchObject({
      name: 'fresh',
      state: 'running',
      size: 'Standard_B2s',
      location: 'westeurope',
      tags: { team: 'ops' },
    });
    expect(vm.publicIps[0]).toMatch(/^127\./);
    const stored = sim.state.vm(vm.externalId)!;
    expect(stored.sshKeys).toEqual(['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ me@host']);
    expect(Buffer.from(stored.customData!, 'base64').toString()).toBe('#cloud-config\n');
    const nicId = stored.nics[0]!.id;
    const pipId = sim.state.nic(nicId)!.publicIpId!;
    await d.machineAction(vm.externalId, 'destroy');
    expect(sim.state.vm(vm.externalId)).toBeUndefined();
    expect(sim.state.nic(nicId)).toBeUndefined();
    expect(sim.state.publicIp(pipId)).toBeUndefined();
    expect(sim.state.disk(stored.osDiskId)).toBeUndefined();
  });

  it('refuses a create Azure refuses, in its words, and one with nowhere to go', async () => {
    const subnetId = `/subscriptions/${SUB_A}/resourceGroups/overcast-rg/providers/Microsoft.Network/virtualNetworks/overcast-rg-vnet/subnets/default`;
    const d = driver({
      config: { subscriptionId: SUB_A, resourceGroup: 'overcast-rg', subnetId, publicIp: false },
    });
    const spec = {
      name: 'bad',
      size: 'Standard_B1s',
      image: 'Canonical:nope:server:latest',
      location: 'eastus',
      sshKey: { name: 'k', publicKey: 'ssh-ed25519 AAAA k' },
    };
    const image = await failure(d.createMachine(spec));
    expect(image.message).toContain("The platform image 'Canonical:nope:server:latest' is not available");
    const size = await failure(
      d.createMachine({ ...spec, image: 'Debian:debian-12:12-gen2:latest', size: 'Huge' }),
    );
    expect(size.kind).toBe('invalid');
    expect(size.message).toContain("The value 'Huge' provided for the VM size is not valid.");
    const nics = sim.state.nics.size;
    for (const name of ['../x', 'a\u0000b', 'x'.repeat(65), 'ends-']) {
      const hostile = await failure(
        d.createMachine({ ...spec, name, image: 'Debian:debian-12:12-gen2:latest' }),
      );
      expect(hostile.kind).toBe('invalid');
      expect(hostile.message).toContain('is not a valid Azure VM name');
    }
    expect(sim.state.nics.size).toBe(nics);
    const nowhere = await failure(
      driver().createMachine({ ...spec, image: 'Debian:debian-12:12-gen2:latest' }),
    );
    expect(nowhere.message).toContain('subnet');
  });

  it('creates, attaches, detaches and deletes a managed disk', async () => {
    const d = driver({ config: { subscriptionId: SUB_B, resourceGroup: 'data' } });
    const vol = (await d.volumeAction({ op: 'create', name: 'extra', sizeGb: 100, location: 'westeurope' }))!;
    expect(vol).toMatchObject({
      name: 'extra',
      sizeGb: 100,
      state: 'available',
      location: 'westeurope',
      attachedTo: [],
    });
    expect(vol.costMonthly).toBeDefined();
    const vm = `/subscriptions/${SUB_B}/resourceGroups/data/providers/Microsoft.Compute/virtualMachines/db-2`;
    await d.volumeAction({ op: 'attach', volumeId: vol.externalId, machineId: vm });
    const attached = await volumes(d);
    expect(attached.find((v) => v.externalId === vol.externalId)).toMatchObject({
      state: 'in-use',
      attachedTo: [vm],
    });
    const busy = await failure(d.volumeAction({ op: 'delete', volumeId: vol.externalId }));
    expect(busy.kind).toBe('conflict');
    expect(busy.message).toContain('is attached to VM');
    await d.volumeAction({ op: 'detach', volumeId: vol.externalId, machineId: vm });
    await d.volumeAction({ op: 'detach', volumeId: vol.externalId, machineId: vm });
    await d.volumeAction({ op: 'delete', volumeId: vol.externalId });
    expect((await volumes(d)).some((v) => v.externalId === vol.externalId)).toBe(false);
  });

  it('lists OS disks as volumes, with their tier price', async () => {
    const all = await volumes(driver({ config: { subscriptionId: SUB_A } }));
    const os = all.find((v) => v.name === 'web-1_OsDisk_1')!;
    expect(os).toMatchObject({
      sizeGb: 30,
      state: 'in-use',
      extra: expect.objectContaining({ tier: 'P4 LRS' }),
    });
    expect(os.costMonthly?.currency).toBe('USD');
  });

  it('lists sizes with prices, locations and images', async () => {
    const d = driver();
    const sizes = await d.listSizes();
    expect(sizes.find((s) => s.externalId === 'Standard_D2s_v5')).toMatchObject({
      cpus: 2,
      memoryMb: 8192,
      priceHourly: { amount: '0.0960', currency: 'USD' },
    });
    const locations = await d.listLocations();
    expect(locations.map((l) => l.externalId)).toEqual(['eastus', 'westeurope', 'japaneast']);
    expect(locations.find((l) => l.externalId === 'westeurope')).toMatchObject({
      name: 'West Europe',
      country: 'NL',
    });
    const images = await d.listImages();
    expect(images.map((i) => i.externalId)).toContain('Debian:debian-12:12-gen2:latest');
    expect(images.find((i) => i.externalId.startsWith('Debian'))).toMatchObject({
      os: 'debian',
      extra: expect.objectContaining({ latestVersion: '0.20250113.1998' }),
    });
  });

  it('waits out 429s with their Retry-After and carries on', async () => {
    const d = driver({ config: { subscriptionId: SUB_B, retryMaxDelayMs: 5_000 } });
    await d.validate();
    sim.throttle(2, 1);
    const started = Date.now();
    expect(await machines(d)).toHaveLength(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
  });

  it("reports throttling that outlasts its retries with ARM's words and the wait", async () => {
    const d = driver({ config: { subscriptionId: SUB_B, retryAttempts: 1 } });
    await d.validate();
    sim.throttle(10, 7);
    const err = await failure(machines(d));
    sim.knobs.clearFaults();
    expect(err.kind).toBe('throttled');
    expect(err.retryAfterMs).toBe(7_000);
    expect(err.message).toContain('The request is being throttled');
  });
});

async function volumes(d: ProviderDriver) {
  const out = [];
  for await (const v of d.listVolumes(new AbortController().signal)) out.push(v);
  return out;
}
