import { type AzureSim, startAzureSim } from '@overcast/cloud-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addNetworkedCloud } from './support/clouds';
import { listedNetworking, ruleChangeRefusedToOthers, sshExposureRoundTrip } from './support/firewalls';
import { memberCookie, outsiderCookie, send, startOrgApi } from './support/harness';

// An Azure subscription's virtual networks and network security groups through the api, against
// the emulator: the VNet the VMs' NICs sit in with its subnet, an NSG on that subnet reaching
// every VM in it, and rule changes written to Azure as security rules of their own.

const TENANT = '11111111-2222-3333-4444-555555555555';
const CLIENT = 'aaaaaaaa-0000-0000-0000-000000000001';
const SUB = '00000000-0000-0000-0000-00000000000a';
const SECRET = 'Q~networks.secret-value';
const NET = `/subscriptions/${SUB}/resourceGroups/overcast-rg/providers/Microsoft.Network`;
const WEB = `${NET}/networkSecurityGroups/web`;

let org: Awaited<ReturnType<typeof startOrgApi>>;
let sim: AzureSim;
let viewer: string;
let stranger: string;
let cloudId: string;

const call = (method: string, url: string, payload?: unknown) =>
  send(org.api, org.ownerCookie, method, url, payload);
/** The web group's destination ports as Azure holds them. */
const portsInAzure = () => [...sim.net.nsg(WEB)!.rules.values()].map((r) => r.destinationPortRange);
const listed = () => listedNetworking(org.api, org.ownerCookie, () => cloudId);
const names = (list: Array<{ name: string }>) => list.map((m) => m.name).sort();

beforeAll(async () => {
  [org, sim] = await Promise.all([
    startOrgApi(),
    startAzureSim({
      principals: [{ tenantId: TENANT, clientId: CLIENT, secret: SECRET, subscriptions: [SUB] }],
      subscriptions: [{ id: SUB, vms: 3 }],
      transitionMs: 20,
    }),
  ]);
  viewer = await memberCookie(org.api, org.owner.organizationId, 'viewer');
  stranger = await outsiderCookie(org.api);
  const web = sim.net.addNsg(SUB, 'overcast-rg', 'web', 'eastus');
  sim.net.putRule(web, 'https', {
    protocol: 'Tcp',
    access: 'Allow',
    direction: 'Inbound',
    priority: 100,
    sourcePortRange: '*',
    sourcePortRanges: [],
    destinationPortRange: '443',
    destinationPortRanges: [],
    sourceAddressPrefix: '0.0.0.0/0',
    sourceAddressPrefixes: [],
    destinationAddressPrefix: '*',
    destinationAddressPrefixes: [],
  });
  sim.net.subnet(`${NET}/virtualNetworks/overcast-rg-vnet/subnets/default`)!.subnet.nsgId = web.id;
  cloudId = await addNetworkedCloud(org.api, org.ownerCookie, {
    provider: 'azure',
    title: 'Azure',
    endpoint: sim.url,
    credentials: { tenantId: TENANT, clientId: CLIENT, clientSecret: SECRET },
    config: {
      subscriptionId: SUB,
      resourceGroup: 'overcast-rg',
      authorityHost: sim.url,
      caCertificate: sim.ca,
      pricesEndpoint: sim.url,
    },
  });
}, 120_000);
afterAll(() => Promise.all([sim?.close(), org?.api.close()]));

describe('Azure virtual networks', () => {
  it('lists the VNet with every VM whose NIC sits in it, and its subnet', async () => {
    const items = await listed().networks();
    expect(items).toEqual([
      expect.objectContaining({
        name: 'overcast-rg-vnet',
        cidr: '127.56.0.0/13',
        region: 'eastus',
        subnetCount: 1,
        machineCount: 3,
      }),
    ]);
    const detail = (await call('GET', `/api/v1/networks/${items[0].id}`)).json();
    expect(detail.subnets).toEqual([
      expect.objectContaining({ name: 'default', cidr: '127.56.0.0/16', location: 'eastus' }),
    ]);
    expect(names(detail.machines)).toEqual(['vm-1', 'vm-2', 'vm-3']);
  });

  it('creates a VNet in a region, adds and deletes a subnet, and deletes the VNet', async () => {
    const regionless = await call('POST', '/api/v1/networks', {
      cloudId,
      name: 'stage',
      cidr: '10.60.0.0/16',
    });
    expect(regionless.statusCode).toBe(422);
    expect(regionless.json().error.message).toMatch(/choose its region/);
    expect(sim.net.vnets.size).toBe(1);

    const made = await call('POST', '/api/v1/networks', {
      cloudId,
      name: 'stage',
      cidr: '10.60.0.0/16',
      region: 'westeurope',
    });
    expect(made.statusCode, made.body).toBe(201);
    const network = made.json().network;
    expect(network).toMatchObject({ name: 'stage', region: 'westeurope', subnetCount: 0 });

    const added = await call('POST', `/api/v1/networks/${network.id}/subnets`, {
      name: 'apps',
      cidr: '10.60.1.0/24',
    });
    expect(added.statusCode, added.body).toBe(201);
    const [subnet] = added.json().subnets;
    expect(subnet).toMatchObject({ name: 'apps', cidr: '10.60.1.0/24', location: 'westeurope' });
    expect(sim.net.vnet(network.externalId)!.subnets.has('apps')).toBe(true);

    const outside = await call('POST', `/api/v1/networks/${network.id}/subnets`, {
      name: 'far',
      cidr: '10.9.0.0/24',
    });
    expect(outside.statusCode).toBe(422);
    expect(outside.json().error.message).toMatch(/outside the IP address range of virtual network 'stage'/);

    expect(
      (await call('DELETE', `/api/v1/networks/${network.id}/subnets/${subnet.id}`)).statusCode,
    ).toBeLessThan(300);
    expect(sim.net.vnet(network.externalId)!.subnets.size).toBe(0);
    expect((await call('DELETE', `/api/v1/networks/${network.id}`)).statusCode).toBe(204);
    expect(sim.net.vnet(network.externalId)).toBeUndefined();
  });

  it("refuses to delete the VMs' VNet in Azure's words", async () => {
    const [network] = await listed().networks();
    const busy = await call('DELETE', `/api/v1/networks/${network.id}`);
    expect(busy.statusCode).toBe(409);
    expect(busy.json().error.message).toMatch(/Subnet default is in use by .* and cannot be deleted/);
    expect(sim.net.vnet(network.externalId)).toBeDefined();
  });
});

describe('Azure network security groups', () => {
  it('shows the group with the VMs of the subnet it is on and its rules', async () => {
    const fw = await listed().firewall(WEB);
    expect(names(fw.machines)).toEqual(['vm-1', 'vm-2', 'vm-3']);
    expect(fw.rules).toEqual([
      { direction: 'ingress', protocol: 'tcp', fromPort: 443, toPort: 443, cidrs: ['0.0.0.0/0'] },
    ]);
  });

  const underTest = () => listed().underTest(WEB, portsInAzure);

  it('adds SSH to the world only when acknowledged, writes it to Azure, and removes it', async () => {
    await sshExposureRoundTrip(await underTest(), { before: ['443'], with: ['443', '22'] }, [
      'vm-1',
      'vm-2',
      'vm-3',
    ]);
  });

  it("refuses a viewer's rule change and shows another organization nothing", async () => {
    await ruleChangeRefusedToOthers(await underTest(), { viewer, stranger }, () => sim.knobs.requests);
    const foreign = await send(org.api, stranger, 'GET', `/api/v1/firewalls?cloud=${cloudId}`);
    expect(foreign.json().items).toEqual([]);
  });
});
