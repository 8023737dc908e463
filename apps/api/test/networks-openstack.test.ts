import { type OpenStackSim, type OsNeutron, startOpenStackSim } from '@overcast/cloud-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addNetworkedCloud, cloudNetworkReads } from './support/clouds';
import { sshExposureRoundTrip } from './support/firewalls';
import { send, startOrgApi } from './support/harness';

// An OpenStack project's networks and security groups through the api, against the emulator's
// Neutron (its endpoint from the Keystone catalog): networks with subnets, the servers on each
// by their ports, security groups the servers' ports are in, one Neutron rule per range.

let org: Awaited<ReturnType<typeof startOrgApi>>;
let sim: OpenStackSim;
let neutron: OsNeutron;
let cloudId: string;
let webId: string;

const call = (method: string, url: string, payload?: unknown) =>
  send(org.api, org.ownerCookie, method, url, payload);
const portsInNeutron = () => neutron.securityGroup(webId).rules.map((r) => r.portMin);

beforeAll(async () => {
  [org, sim] = await Promise.all([
    startOrgApi(),
    startOpenStackSim({
      projects: [{ name: 'work', servers: 3, namePrefix: 'web' }],
      users: [{ name: 'ops', password: 'secret', projects: ['work'] }],
      bootDelayMs: 0,
      actionDelayMs: 0,
    }),
  ]);
  const project = sim.project('work');
  neutron = project.neutron('RegionOne');
  webId = neutron.createSecurityGroup('web', 'Web servers').id;
  neutron.addRule({
    security_group_id: webId,
    direction: 'ingress',
    protocol: 'tcp',
    port_range_min: 443,
    port_range_max: 443,
    remote_ip_prefix: '0.0.0.0/0',
  });
  const [first] = project.listServers('RegionOne');
  const port = neutron.ports().find((p) => p.deviceId === first!.id)!;
  neutron.updatePort(port.id, { port: { security_groups: [webId] } });
  cloudId = await addNetworkedCloud(org.api, org.ownerCookie, {
    provider: 'openstack',
    title: 'OpenStack',
    credentials: { username: 'ops', password: 'secret', projectName: 'work', userDomainName: 'Default' },
    config: { authUrl: sim.authUrl, region: 'RegionOne' },
  });
}, 120_000);
afterAll(() => Promise.all([sim?.close(), org?.api.close()]));

const reads = () => cloudNetworkReads(org.api, org.ownerCookie, () => cloudId);

describe('OpenStack networks', () => {
  it('lists the private network with every server and its subnet', async () => {
    const items = await reads().networks();
    expect(items).toEqual([
      expect.objectContaining({ name: 'private', cidr: null, subnetCount: 1, machineCount: 3 }),
    ]);
    const detail = (await call('GET', `/api/v1/networks/${items[0].id}`)).json();
    expect(detail.subnets).toEqual([
      expect.objectContaining({ name: 'private-subnet', cidr: '127.136.0.0/13' }),
    ]);
    expect(detail.machines.map((m: { name: string }) => m.name).sort()).toEqual([
      'web-000000',
      'web-000001',
      'web-000002',
    ]);
  });

  it('shows the security groups with the servers whose ports are in them', async () => {
    const web = await reads().firewall(webId);
    expect(web.machines.map((m: { name: string }) => m.name)).toEqual(['web-000002']);
    expect(web.rules).toEqual([
      { direction: 'ingress', protocol: 'tcp', fromPort: 443, toPort: 443, cidrs: ['0.0.0.0/0'] },
    ]);
    const fallback = await reads().firewall(neutron.defaultGroup.id);
    expect(fallback.machines.map((m: { name: string }) => m.name).sort()).toEqual([
      'web-000000',
      'web-000001',
    ]);
  });

  it('adds SSH to the world only when acknowledged, writes it to Neutron, and removes it', async () => {
    const fw = await reads().firewall(webId);
    // Its machines are the ones the card must show as exposed.
    expect(fw.machines.length).toBeGreaterThan(0);
    await sshExposureRoundTrip(
      { api: org.api, cookie: org.ownerCookie, id: fw.id, ports: portsInNeutron },
      { before: [443], with: [443, 22] },
      fw.machines.map((m: { name: string }) => m.name),
    );
  });

  it('creates a network with its subnet, adds and deletes a subnet, and deletes the network', async () => {
    const made = await call('POST', '/api/v1/networks', { cloudId, name: 'staging', cidr: '10.60.0.0/20' });
    expect(made.statusCode, made.body).toBe(201);
    const network = made.json().network;
    expect(network).toMatchObject({ name: 'staging', subnetCount: 1 });

    const added = await call('POST', `/api/v1/networks/${network.id}/subnets`, {
      name: 'apps',
      cidr: '10.61.0.0/24',
    });
    expect(added.statusCode, added.body).toBe(201);
    const subnets: Array<{ id: string; cidr: string }> = added.json().subnets;
    expect(subnets.map((s) => s.cidr).sort()).toEqual(['10.60.0.0/20', '10.61.0.0/24']);
    const inNeutron = () =>
      [...neutron.subnets.values()].filter((s) => s.networkId === network.externalId).map((s) => s.cidr);
    expect(inNeutron().sort()).toEqual(['10.60.0.0/20', '10.61.0.0/24']);

    const apps = subnets.find((s) => s.cidr === '10.61.0.0/24')!;
    const removed = await call('DELETE', `/api/v1/networks/${network.id}/subnets/${apps.id}`);
    expect(removed.statusCode, removed.body).toBeLessThan(300);
    expect(inNeutron()).toEqual(['10.60.0.0/20']);

    expect((await call('DELETE', `/api/v1/networks/${network.id}`)).statusCode).toBe(204);
    expect(neutron.networks.has(network.externalId)).toBe(false);
  });

  it("refuses to delete the servers' network in Neutron's words", async () => {
    const [network] = await reads().networks();
    const busy = await call('DELETE', `/api/v1/networks/${network.id}`);
    expect(busy.statusCode).toBe(409);
    expect(busy.json().error.message).toMatch(/There are one or more ports still in use on the network/);
    expect(neutron.networks.has(network.externalId)).toBe(true);
  });
});
