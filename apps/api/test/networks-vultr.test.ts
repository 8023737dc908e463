import { startVultrSim, type VultrSim } from '@overcast/cloud-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addNetworkedCloud, cloudNetworkReads } from './support/clouds';
import { SSH_WORLD, sshExposureRoundTrip } from './support/firewalls';
import { send, startOrgApi } from './support/harness';

// A Vultr account's VPCs and firewall groups through the api, against the emulator: VPCs without
// subnets whose instances are read per instance, firewall groups the instances point to, and
// inbound rules of one source range each.

const TOKEN = 'vultr-token-networks-test';
let org: Awaited<ReturnType<typeof startOrgApi>>;
let sim: VultrSim;
let cloudId: string;
let groupId: string;
let vpcId: string;

const call = (method: string, url: string, payload?: unknown) =>
  send(org.api, org.ownerCookie, method, url, payload);
const account = () => sim.account(TOKEN);
const portsOnVultr = () =>
  account()
    .net.firewallGroup(groupId)
    .rules.map((r) => r.port);

beforeAll(async () => {
  // Five instances over five regions; the first is in ewr.
  [org, sim] = await Promise.all([
    startOrgApi(),
    startVultrSim({
      accounts: [{ token: TOKEN, instances: 5, namePrefix: 'web' }],
      bootDelayMs: 0,
      actionDelayMs: 0,
    }),
  ]);
  const [first, second] = account().listInstances();
  vpcId = account().net.createVpc({
    region: 'ewr',
    description: 'app',
    v4_subnet: '10.1.0.0',
    v4_subnet_mask: 20,
  }).id;
  account().net.attach(first!.id, { vpc_id: vpcId });
  groupId = account().net.createFirewallGroup({ description: 'web-edge' }).id;
  account().net.addRule(groupId, {
    ip_type: 'v4',
    protocol: 'tcp',
    port: '443',
    subnet: '0.0.0.0',
    subnet_size: 0,
  });
  for (const i of [first!, second!]) account().updateInstance(i.id, { firewall_group_id: groupId });
  cloudId = await addNetworkedCloud(org.api, org.ownerCookie, {
    provider: 'vultr',
    title: 'Vultr',
    credentials: { token: TOKEN },
    endpoint: sim.url,
  });
}, 120_000);
afterAll(() => Promise.all([sim?.close(), org?.api.close()]));

const reads = () => cloudNetworkReads(org.api, org.ownerCookie, () => cloudId);
const firewall = () => reads().firewall(groupId);
const networks = () => reads().networks();

describe('Vultr networks', () => {
  it('lists the VPC with the instance attached to it, and no subnets', async () => {
    const items = await networks();
    expect(items).toEqual([
      expect.objectContaining({
        name: 'app',
        cidr: '10.1.0.0/20',
        region: 'ewr',
        subnetCount: 0,
        machineCount: 1,
      }),
    ]);
    const detail = (await call('GET', `/api/v1/networks/${items[0].id}`)).json();
    expect(detail.subnets).toEqual([]);
    expect(detail.machines.map((m: { name: string }) => m.name)).toEqual(['web-000000']);
  });

  it('shows the firewall group with the instances in it', async () => {
    const fw = await firewall();
    expect(fw.name).toBe('web-edge');
    expect(fw.machines.map((m: { name: string }) => m.name).sort()).toEqual(['web-000000', 'web-000001']);
    expect(fw.rules).toEqual([
      { direction: 'ingress', protocol: 'tcp', fromPort: 443, toPort: 443, cidrs: ['0.0.0.0/0'] },
    ]);
  });

  it('adds SSH to the world only when acknowledged, writes it to Vultr, and removes it', async () => {
    const fw = await firewall();
    // Its machines are the ones the card must show as exposed.
    expect(fw.machines.length).toBeGreaterThan(0);
    await sshExposureRoundTrip(
      { api: org.api, cookie: org.ownerCookie, id: fw.id, ports: portsOnVultr },
      { before: ['443'], with: ['443', '22'] },
      fw.machines.map((m: { name: string }) => m.name),
    );
  });

  it('refuses an outbound rule with a 422 in words that say why', async () => {
    const fw = await firewall();
    const res = await call('POST', `/api/v1/firewalls/${fw.id}/rules`, {
      rule: { ...SSH_WORLD, direction: 'egress', fromPort: 53, toPort: 53, protocol: 'udp' },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.message).toMatch(/inbound traffic only/);
    expect(portsOnVultr()).toEqual(['443']);
  });

  it('refuses a subnet, creates a VPC in a region and deletes it, and keeps one with an instance in it', async () => {
    const [network] = await networks();
    const before = sim.requestLog.length;
    const subnet = await call('POST', `/api/v1/networks/${network.id}/subnets`, {
      name: 'x',
      cidr: '10.1.1.0/24',
    });
    expect(subnet.statusCode).toBe(400);
    expect(subnet.json().error.code).toBe('subnets_unsupported');
    expect(sim.requestLog.length).toBe(before);

    const made = await call('POST', '/api/v1/networks', {
      cloudId,
      name: 'staging',
      cidr: '10.60.0.0/20',
      region: 'fra',
    });
    expect(made.statusCode, made.body).toBe(201);
    expect(made.json().network).toMatchObject({ name: 'staging', cidr: '10.60.0.0/20', region: 'fra' });
    expect([...account().net.vpcs.values()].map((v) => v.description)).toContain('staging');
    expect((await call('DELETE', `/api/v1/networks/${made.json().network.id}`)).statusCode).toBe(204);
    expect([...account().net.vpcs.values()].map((v) => v.description)).toEqual(['app']);

    const busy = await call('DELETE', `/api/v1/networks/${network.id}`);
    expect(busy.statusCode).toBe(409);
    expect(busy.json().error.message).toMatch(/1 instance\(s\) attached; they must be detached first/);
    expect(account().net.vpcs.has(vpcId)).toBe(true);
  });
});
