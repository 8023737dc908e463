// The Vultr driver's VPCs and firewall groups against the emulator, in pages of two so that
// every listing walks the cursors.

import { ProviderError } from '@overcast/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Test-only reach into the emulator package (providers depends on contracts only).
import { startVultrSim, type VultrSim } from '../../../cloud-sim/src/vultr/index';
import {
  firewallNetworkDriver,
  oneRulePerRange,
  pagesOfTwo,
  sshFromAnywhere as ssh,
} from '../common/test-support/network-driver';
import { createVultrDriver } from './index';

let sim: VultrSim;
let driver: ReturnType<typeof firewallNetworkDriver>;
let groupId: string;
let instanceIds: string[];
let appVpc: string;
let dbVpc: string;
const signal = () => new AbortController().signal;
const account = () => sim.account('net');
const rulesOnVultr = () =>
  account()
    .net.firewallGroup(groupId)
    .rules.map((r) => `${r.protocol}:${r.port}:${r.subnet}/${r.subnetSize}`);

beforeAll(async () => {
  // Six instances over five regions: the first and the last are in ewr.
  // Pages of two take many calls: a budget beyond Vultr's 30 a second keeps throttling out of it.
  sim = await startVultrSim({
    accounts: [{ token: 'net', instances: 6, namePrefix: 'web' }],
    rateLimit: { limit: 1000, windowMs: 1000 },
  });
  const vultr = createVultrDriver({ credentials: { token: 'net' }, endpoint: sim.url, config: pagesOfTwo });
  driver = firewallNetworkDriver(vultr, 'the Vultr driver');
  instanceIds = account()
    .listInstances()
    .map((i) => i.id);
  const net = account().net;
  appVpc = net.createVpc({ region: 'ewr', description: 'app', v4_subnet: '10.1.0.0', v4_subnet_mask: 20 }).id;
  dbVpc = net.createVpc({ region: 'ewr', description: 'db', v4_subnet: '10.2.0.0', v4_subnet_mask: 24 }).id;
  net.createVpc({ region: 'ams', description: 'empty', v4_subnet: '192.168.0.0', v4_subnet_mask: 24 });
  net.attach(instanceIds[0]!, { vpc_id: appVpc });
  net.attach(instanceIds[5]!, { vpc_id: appVpc });
  net.attach(instanceIds[0]!, { vpc_id: dbVpc });

  groupId = net.createFirewallGroup({ description: 'web-edge' }).id;
  const rules = [
    { ip_type: 'v4', protocol: 'tcp', port: '22', subnet: '0.0.0.0', subnet_size: 0 },
    { ip_type: 'v6', protocol: 'tcp', port: '22', subnet: '::', subnet_size: 0 },
    { ip_type: 'v4', protocol: 'tcp', port: '8000:8080', subnet: '10.0.0.0', subnet_size: 8 },
    { ip_type: 'v4', protocol: 'icmp', subnet: '0.0.0.0', subnet_size: 0, notes: 'ping' },
    { ip_type: 'v4', protocol: 'udp', subnet: '203.0.113.0', subnet_size: 24 },
    { ip_type: 'v4', protocol: 'gre', subnet: '198.51.100.0', subnet_size: 24 },
    { ip_type: 'v4', protocol: 'tcp', port: '443', source: 'cloudflare' },
  ];
  for (const r of rules) net.addRule(groupId, r);
  for (const i of [1, 3]) account().updateInstance(instanceIds[i]!, { firewall_group_id: groupId });
  net.createFirewallGroup({ description: 'spare' });
});
afterAll(() => sim.close());

describe('Vultr VPCs and firewall groups through the emulator', () => {
  it('lists every VPC with its instances, asking only the instances that are in a VPC for theirs', async () => {
    const before = sim.requestLog.length;
    const networks = await driver.listNetworks(signal());
    const paths = sim.requestLog.slice(before).map((r) => r.path.replace(/\?.*$/, ''));
    expect(paths.filter((p) => p.endsWith('/vpcs') && p.startsWith('/v2/instances/')).sort()).toEqual(
      [`/v2/instances/${instanceIds[0]}/vpcs`, `/v2/instances/${instanceIds[5]}/vpcs`].sort(),
    );
    expect(paths.filter((p) => p === '/v2/vpcs')).toHaveLength(2);
    expect(networks.map((n) => [n.name, n.cidr, n.region, n.isDefault])).toEqual([
      ['app', '10.1.0.0/20', 'ewr', false],
      ['db', '10.2.0.0/24', 'ewr', false],
      ['empty', '192.168.0.0/24', 'ams', false],
    ]);
    expect(networks[0]!.machineIds.sort()).toEqual([instanceIds[0], instanceIds[5]].sort());
    expect(networks[1]!.machineIds).toEqual([instanceIds[0]]);
    expect(networks[2]!.machineIds).toEqual([]);
    expect(await driver.listSubnets(signal())).toEqual([]);
  });

  it('lists firewall groups with their rules, one source range each, and the instances in them', async () => {
    const firewalls = await driver.listFirewalls(signal());
    expect(firewalls.map((f) => f.name)).toEqual(['web-edge', 'spare']);
    const fw = firewalls[0]!;
    expect(fw.rules).toEqual([
      ssh,
      { ...ssh, cidrs: ['::/0'] },
      { direction: 'ingress', protocol: 'tcp', fromPort: 8000, toPort: 8080, cidrs: ['10.0.0.0/8'] },
      { direction: 'ingress', protocol: 'icmp', fromPort: null, toPort: null, cidrs: ['0.0.0.0/0'] },
      { direction: 'ingress', protocol: 'udp', fromPort: 1, toPort: 65535, cidrs: ['203.0.113.0/24'] },
    ]);
    // gre is one protocol, not every one; Cloudflare's ranges are no CIDR: shown apart.
    expect(fw.extra.otherRules).toEqual(['gre 198.51.100.0/24', 'tcp from Cloudflare']);
    expect(fw.machineIds.sort()).toEqual([instanceIds[1], instanceIds[3]].sort());
    expect(firewalls[1]!.machineIds).toEqual([]);
  });

  it('creates and deletes a VPC; one with instances attached is refused in Vultr words', async () => {
    const made = await driver.createNetwork({ name: 'staging', cidr: '172.16.0.0/16', region: 'fra' });
    expect(made).toMatchObject({ name: 'staging', cidr: '172.16.0.0/16', region: 'fra', machineIds: [] });
    expect(account().net.vpc(made.externalId).description).toBe('staging');
    await driver.deleteNetwork(made.externalId);
    expect(account().net.vpcs.has(made.externalId)).toBe(false);

    const busy = await driver.deleteNetwork(appVpc).catch((e: unknown) => e);
    expect(busy).toBeInstanceOf(ProviderError);
    expect(busy).toMatchObject({
      kind: 'conflict',
      message: 'Unable to destroy VPC: 2 instance(s) attached; they must be detached first.',
    });
    expect(account().net.vpcs.has(appVpc)).toBe(true);

    const overlapping = await driver
      .createNetwork({ name: 'again', cidr: '10.1.8.0/24', region: 'ewr' })
      .catch((e: unknown) => e);
    expect(overlapping).toMatchObject({ kind: 'conflict', message: expect.stringMatching(/overlapping/) });
    const outside = await driver
      .createNetwork({ name: 'public', cidr: '8.8.0.0/16', region: 'ewr' })
      .catch((e: unknown) => e);
    expect(outside).toMatchObject({ kind: 'invalid', message: expect.stringMatching(/must be private/) });

    const before = sim.requestLog.length;
    await expect(
      driver.createNetwork({ name: 'nowhere', cidr: '10.9.0.0/16', region: null }),
    ).rejects.toMatchObject({ kind: 'invalid', message: expect.stringMatching(/one region/) });
    expect(sim.requestLog.length).toBe(before);
  });

  it('adds a rule as one Vultr rule per range, refuses it twice, and removes it', async () => {
    await oneRulePerRange(driver, groupId, 'The firewall group', () =>
      account()
        .net.firewallGroup(groupId)
        .rules.slice(-2)
        .map((r) => `${r.port} ${r.subnet}/${r.subnetSize}`),
    );
    await driver.removeFirewallRule(groupId, ssh);
    expect(rulesOnVultr()).toEqual([
      'tcp:22:::/0',
      'tcp:8000:8080:10.0.0.0/8',
      'icmp::0.0.0.0/0',
      'udp::203.0.113.0/24',
      'gre::198.51.100.0/24',
      'tcp:443:/0',
    ]);
    await expect(driver.removeFirewallRule(groupId, ssh)).rejects.toMatchObject({ kind: 'not-found' });
  });

  it('refuses a rule Vultr cannot hold before sending anything', async () => {
    const before = sim.requestLog.length;
    await expect(driver.addFirewallRule(groupId, { ...ssh, direction: 'egress' })).rejects.toMatchObject({
      kind: 'invalid',
      message: expect.stringMatching(/inbound traffic only/),
    });
    await expect(
      driver.addFirewallRule(groupId, { ...ssh, protocol: 'all', fromPort: null, toPort: null }),
    ).rejects.toMatchObject({
      kind: 'invalid',
      message: expect.stringMatching(/one rule for each protocol/),
    });
    await expect(driver.addFirewallRule(groupId, { ...ssh, fromPort: 0 })).rejects.toMatchObject({
      kind: 'invalid',
      message: expect.stringMatching(/start at 1/),
    });
    expect(sim.requestLog.length).toBe(before);
  });
});
