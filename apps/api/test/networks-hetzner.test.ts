import { type HetznerSim, startHetznerSim } from '@overcast/cloud-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addNetworkedCloud } from './support/clouds';
import { listedNetworking, ruleChangeRefusedToOthers, sshExposureRoundTrip } from './support/firewalls';
import { memberCookie, outsiderCookie, send, startOrgApi } from './support/harness';

// A Hetzner Cloud project's networks and firewalls through the api, against the emulator:
// networks with subnets in network zones, firewalls that reach servers by id and label selector,
// and rule changes written back to Hetzner as the whole rule list.

const TOKEN = 'hz-token-networks-test';
let org: Awaited<ReturnType<typeof startOrgApi>>;
let sim: HetznerSim;
let viewer: string;
let stranger: string;
let cloudId: string;
let firewallExternalId: number;

const call = (method: string, url: string, payload?: unknown, as = org.ownerCookie) =>
  send(org.api, as, method, url, payload);
const project = () => sim.project(TOKEN);
const portsOnHetzner = () =>
  project()
    .net.firewall(firewallExternalId)
    .rules.map((r) => r.port);

beforeAll(async () => {
  org = await startOrgApi();
  sim = await startHetznerSim({
    projects: [{ token: TOKEN, servers: 3, namePrefix: 'web' }],
    bootDelayMs: 0,
    actionDelayMs: 0,
  });
  viewer = await memberCookie(org.api, org.owner.organizationId, 'viewer');
  stranger = await outsiderCookie(org.api);
  firewallExternalId = project().net.createFirewall({
    name: 'web-edge',
    rules: [{ direction: 'in', protocol: 'tcp', port: '443', source_ips: ['0.0.0.0/0'] }],
    apply_to: [{ type: 'label_selector', label_selector: { selector: 'env=prod' } }],
  }).firewall.id;
  cloudId = await addNetworkedCloud(org.api, org.ownerCookie, {
    provider: 'hetzner',
    title: 'Hetzner',
    credentials: { token: TOKEN },
    endpoint: sim.url,
  });
}, 120_000);
afterAll(async () => {
  await sim?.close();
  await org?.api.close();
});

const listed = () => listedNetworking(org.api, org.ownerCookie, () => cloudId);
const firewall = () => listed().firewall(firewallExternalId);
const networks = () => listed().networks();

describe('Hetzner Cloud networks', () => {
  it('lists the network with its servers and its subnet in its network zone', async () => {
    const items = await networks();
    expect(items).toEqual([
      expect.objectContaining({ name: 'web-net', cidr: '10.0.0.0/16', subnetCount: 1, machineCount: 3 }),
    ]);
    const detail = (await call('GET', `/api/v1/networks/${items[0].id}`)).json();
    expect(detail.subnets).toEqual([
      expect.objectContaining({ cidr: '10.0.0.0/24', location: 'eu-central' }),
    ]);
    expect(detail.machines.map((m: { name: string }) => m.name).sort()).toEqual([
      'web-000000',
      'web-000001',
      'web-000002',
    ]);
  });

  it('shows the firewall with the servers its label selector picks', async () => {
    const fw = await firewall();
    const prod = project()
      .listServers(null)
      .filter((s) => s.labels.env === 'prod');
    expect(fw.machines.map((m: { name: string }) => m.name).sort()).toEqual(prod.map((s) => s.name).sort());
    expect(fw.rules).toEqual([
      { direction: 'ingress', protocol: 'tcp', fromPort: 443, toPort: 443, cidrs: ['0.0.0.0/0'] },
    ]);
  });

  const underTest = () => listed().underTest(firewallExternalId, portsOnHetzner);

  it('adds SSH to the world only when acknowledged, writes it to Hetzner, and removes it', async () => {
    const fw = await firewall();
    const reached = fw.machines.map((m: { name: string }) => m.name);
    await sshExposureRoundTrip(await underTest(), { before: ['443'], with: ['443', '22'] }, reached);
  });

  it("refuses a viewer's rule change and shows another organization nothing", async () => {
    await ruleChangeRefusedToOthers(await underTest(), { viewer, stranger }, () => sim.requestLog.length);
    const foreign = await call('GET', `/api/v1/firewalls?cloud=${cloudId}`, undefined, stranger);
    expect(foreign.json().items).toEqual([]);
    const foreignNets = await call('GET', `/api/v1/networks?cloud=${cloudId}`, undefined, stranger);
    expect(foreignNets.json().items).toEqual([]);
  });

  it("adds a subnet in a location's zone, and refuses to delete a network servers are in", async () => {
    const [network] = await networks();
    const made = await call('POST', `/api/v1/networks/${network.id}/subnets`, {
      name: 'apps',
      cidr: '10.0.1.0/24',
      location: 'hel1',
    });
    expect(made.statusCode, made.body).toBe(201);
    expect(made.json().subnets.map((s: { cidr: string; location: string }) => [s.cidr, s.location])).toEqual([
      ['10.0.0.0/24', 'eu-central'],
      ['10.0.1.0/24', 'eu-central'],
    ]);
    const onHetzner = [...project().net.networks.values()][0]!;
    expect(onHetzner.subnets.map((s) => s.ipRange)).toEqual(['10.0.0.0/24', '10.0.1.0/24']);

    const busy = await call('DELETE', `/api/v1/networks/${network.id}`);
    expect(busy.statusCode).toBe(409);
    expect(busy.json().error.message).toMatch(/still has 3 server\(s\) in it; detach them/);
    expect(project().net.networks.size).toBe(1);
  });
});
