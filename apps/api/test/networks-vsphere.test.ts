import { startVsphereSim, type VsphereSim } from '@overcast/cloud-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addNetworkedCloud } from './support/clouds';
import { send, startOrgApi } from './support/harness';

// A vCenter's networks through the api, against the emulator: its portgroups and opaque
// networks with the VMs whose adapters are on them, listed only (vCenter's API makes none).

const USER = { username: 'overcast@vsphere.local', password: 'Correct horse 1!' };
let org: Awaited<ReturnType<typeof startOrgApi>>;
let sim: VsphereSim;
let cloudId: string;

const call = (method: string, url: string, payload?: unknown) =>
  send(org.api, org.ownerCookie, method, url, payload);

beforeAll(async () => {
  org = await startOrgApi();
  sim = await startVsphereSim({ machines: 3, namePrefix: 'pg', users: [USER] });
  const segment = sim.inventory.networks.add('nsx-web', 'OPAQUE_NETWORK');
  sim.inventory.vms.get('vm-1000')!.nics = ['network-11', segment.network];
  cloudId = await addNetworkedCloud(org.api, org.ownerCookie, {
    provider: 'vsphere',
    title: 'vcenter',
    credentials: USER,
    endpoint: sim.url,
  });
}, 120_000);
afterAll(() => Promise.all([sim?.close(), org?.api.close()]));

describe('vSphere networks', () => {
  it('lists portgroups and opaque networks with the VMs whose adapters are on them', async () => {
    const networks = (await call('GET', `/api/v1/networks?cloud=${cloudId}`)).json().items as Array<{
      id: string;
      name: string;
      machineCount: number;
    }>;
    expect(networks.map((n) => [n.name, n.machineCount]).sort()).toEqual([
      ['DPortGroup-Prod', 2],
      ['VM Network', 1],
      ['nsx-web', 1],
    ]);
    const segment = networks.find((n) => n.name === 'nsx-web')!;
    const detail = (await call('GET', `/api/v1/networks/${segment.id}`)).json();
    expect(detail.machines.map((m: { name: string }) => m.name)).toEqual(['pg-0000']);
  });

  it('says the networks are read-only and refuses to make or delete one, sending nothing', async () => {
    const providers = (await call('GET', '/api/v1/providers')).json();
    const vsphere = (providers.items ?? providers).find((p: { kind: string }) => p.kind === 'vsphere');
    expect(vsphere.features).toMatchObject({ networks: true, readOnlyNetworks: true });
    const before = sim.requestLog.length;
    const made = await call('POST', '/api/v1/networks', { cloudId, name: 'apps', cidr: '10.40.0.0/24' });
    expect(made.statusCode).toBe(400);
    expect(made.json().error).toMatchObject({
      code: 'networks_read_only',
      message: expect.stringMatching(/vSphere Client/),
    });
    const network = (await call('GET', `/api/v1/networks?cloud=${cloudId}`)).json().items[0];
    const gone = await call('DELETE', `/api/v1/networks/${network.id}`);
    expect(gone.statusCode).toBe(400);
    expect(sim.requestLog.length).toBe(before);
  });
});
