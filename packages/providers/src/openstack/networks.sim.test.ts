// The OpenStack driver's networks, subnets and security groups through Neutron on the emulator,
// its endpoint taken from the Keystone catalog, in pages of two so every listing follows the
// `next` links.

import { ProviderError } from '@overcast/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Test-only reach into the emulator package (providers depends on contracts only).
import { type OpenStackSim, type OsNeutron, startOpenStackSim } from '../../../cloud-sim/src/openstack/index';
import {
  firewallNetworkDriver,
  oneRulePerRange,
  pagesOfTwo,
  type SubnetFirewallDriver,
  sshFromAnywhere as ssh,
} from '../common/test-support/network-driver';
import { createOpenStackDriver } from './index';

let sim: OpenStackSim;
let driver: SubnetFirewallDriver;
let neutron: OsNeutron;
let webId: string;
let serverIds: string[];
let dbNetwork: string;
const signal = () => new AbortController().signal;
const webRules = () =>
  neutron
    .securityGroup(webId)
    .rules.map((r) => `${r.direction}:${r.protocol}:${r.portMin}-${r.portMax}:${r.remoteIpPrefix}`);

beforeAll(async () => {
  sim = await startOpenStackSim({
    projects: [{ name: 'work', servers: 4, namePrefix: 'web' }],
    users: [{ name: 'ops', password: 'secret', projects: ['work'] }],
  });
  const openstack = createOpenStackDriver({
    credentials: { username: 'ops', password: 'secret', projectName: 'work', userDomainName: 'Default' },
    endpoint: sim.authUrl,
    config: pagesOfTwo,
  });
  driver = firewallNetworkDriver(openstack, 'the OpenStack driver') as SubnetFirewallDriver;
  const project = sim.project('work');
  serverIds = project.listServers('RegionOne').map((s) => s.id);
  neutron = project.neutron('RegionOne');
  dbNetwork = neutron.createNetwork({ network: { name: 'db' } }).id;
  neutron.createSubnet({
    subnet: { network_id: dbNetwork, name: 'db-v4', cidr: '10.20.0.0/24', ip_version: 4 },
  });
  neutron.plug(serverIds[0]!, dbNetwork);

  webId = neutron.createSecurityGroup('web', 'Web servers').id;
  const rule = (r: Record<string, unknown>) => neutron.addRule({ security_group_id: webId, ...r });
  rule({
    direction: 'ingress',
    protocol: 'tcp',
    port_range_min: 22,
    port_range_max: 22,
    remote_ip_prefix: '0.0.0.0/0',
  });
  rule({
    direction: 'ingress',
    protocol: 'tcp',
    port_range_min: 80,
    port_range_max: 85,
    remote_ip_prefix: '10.0.0.0/8',
  });
  rule({ direction: 'ingress', protocol: 'icmp', ethertype: 'IPv6' });
  rule({ direction: 'ingress', protocol: 'icmp', port_range_min: 8, remote_ip_prefix: '192.0.2.0/24' });
  rule({ direction: 'egress', ethertype: 'IPv4' });
  for (const id of serverIds.slice(0, 2)) {
    const port = neutron.ports().find((p) => p.deviceId === id && p.networkId === neutron.privateNetwork.id)!;
    neutron.updatePort(port.id, { port: { security_groups: [neutron.defaultGroup.id, webId] } });
  }
});
afterAll(() => sim.close());

describe('OpenStack networks and security groups through Neutron', () => {
  it('lists networks with the servers that have ports on them, and subnets with theirs, page by page', async () => {
    const before = sim.requestLog.length;
    const networks = await driver.listNetworks(signal());
    const paths = sim.requestLog.slice(before).map((r) => r.path);
    expect(paths).toContain('/RegionOne/network/v2.0/networks?limit=2');
    expect(paths.some((p) => p.startsWith('/RegionOne/network/v2.0/ports?limit=2&marker='))).toBe(true);
    expect(networks.map((n) => [n.name, n.cidr, n.region])).toEqual([
      ['private', null, null],
      ['db', null, null],
    ]);
    expect(networks[0]!.machineIds.sort()).toEqual([...serverIds].sort());
    expect(networks[1]!.machineIds).toEqual([serverIds[0]]);

    const subnets = await driver.listSubnets(signal());
    expect(subnets.map((s) => [s.networkId, s.name, s.cidr, s.machineIds.length])).toEqual([
      [networks[0]!.externalId, 'private-subnet', '127.136.0.0/13', 4],
      [networks[1]!.externalId, 'db-v4', '10.20.0.0/24', 1],
    ]);
  });

  it('lists security groups with their rules and the servers whose ports are in them', async () => {
    const firewalls = await driver.listFirewalls(signal());
    expect(firewalls.map((f) => f.name)).toEqual(['default', 'web']);
    const web = firewalls[1]!;
    expect(web.rules).toEqual([
      ssh,
      { direction: 'ingress', protocol: 'tcp', fromPort: 80, toPort: 85, cidrs: ['10.0.0.0/8'] },
      { direction: 'ingress', protocol: 'icmp', fromPort: null, toPort: null, cidrs: ['::/0'] },
      { direction: 'egress', protocol: 'all', fromPort: null, toPort: null, cidrs: ['0.0.0.0/0'] },
    ]);
    // An ICMP type is no port range: shown apart.
    expect(web.extra.otherRules).toEqual(['ingress IPv4 icmp 8']);
    expect(web.machineIds.sort()).toEqual(serverIds.slice(0, 2).sort());
    // The default group's ingress rules name the group itself as their source.
    expect(firewalls[0]!.extra.otherRules).toHaveLength(2);
    expect(firewalls[0]!.machineIds).toHaveLength(4);
  });

  it('creates a network with one subnet of its range, deletes it, and leaves nothing when Neutron refuses the range', async () => {
    const made = await driver.createNetwork({ name: 'staging', cidr: '172.16.0.0/16', region: null });
    expect(made).toMatchObject({ name: 'staging', machineIds: [] });
    const subnets = [...neutron.subnets.values()].filter((s) => s.networkId === made.externalId);
    expect(subnets.map((s) => [s.name, s.cidr])).toEqual([['staging-subnet', '172.16.0.0/16']]);
    await driver.deleteNetwork(made.externalId);
    expect(neutron.networks.has(made.externalId)).toBe(false);
    expect(neutron.subnets.has(subnets[0]!.id)).toBe(false);

    const count = neutron.networks.size;
    const bad = await driver
      .createNetwork({ name: 'odd', cidr: '10.9.0.5/16', region: null })
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ProviderError);
    expect(bad).toMatchObject({
      kind: 'invalid',
      message:
        "Invalid input for operation: '10.9.0.5/16' isn't a recommended CIDR, use '10.9.0.0/16' instead.",
    });
    expect(neutron.networks.size).toBe(count);

    const busy = await driver.deleteNetwork(dbNetwork).catch((e: unknown) => e);
    expect(busy).toMatchObject({ kind: 'conflict', message: expect.stringMatching(/ports still in use/) });
  });

  it('adds a subnet, refuses an overlapping one in Neutron words, deletes it, and keeps one in use', async () => {
    const subnet = await driver.createSubnet({
      networkId: dbNetwork,
      name: 'more',
      cidr: '10.20.1.0/24',
      location: null,
    });
    expect(subnet).toMatchObject({ networkId: dbNetwork, name: 'more', cidr: '10.20.1.0/24' });
    await expect(
      driver.createSubnet({ networkId: dbNetwork, name: 'x', cidr: '10.20.1.128/25', location: null }),
    ).rejects.toMatchObject({
      kind: 'invalid',
      message: expect.stringMatching(/overlaps with another subnet/),
    });
    await driver.deleteSubnet(subnet.externalId);
    expect(neutron.subnets.has(subnet.externalId)).toBe(false);
    const used = (await driver.listSubnets(signal())).find((s) => s.name === 'db-v4')!;
    await expect(driver.deleteSubnet(used.externalId)).rejects.toMatchObject({
      kind: 'conflict',
      message: expect.stringMatching(/One or more ports have an IP allocation from this subnet/),
    });
  });

  it('adds a rule as one Neutron rule per range, refuses it twice, and removes it', async () => {
    await oneRulePerRange(driver, webId, 'web', () =>
      neutron
        .securityGroup(webId)
        .rules.slice(-2)
        .map((r) => `${r.portMin} ${r.remoteIpPrefix}`),
    );
    await driver.removeFirewallRule(webId, ssh);
    expect(webRules()).toEqual([
      'ingress:tcp:80-85:10.0.0.0/8',
      'ingress:icmp:null-null:null',
      'ingress:icmp:8-null:192.0.2.0/24',
      'egress:null:null-null:null',
    ]);
    await expect(driver.removeFirewallRule(webId, ssh)).rejects.toMatchObject({ kind: 'not-found' });
    await expect(
      driver.addFirewallRule(webId, { ...ssh, protocol: 'udp', fromPort: 60, toPort: 50 }),
    ).rejects.toMatchObject({
      kind: 'invalid',
      message: expect.stringMatching(/port_range_min must be <= port_range_max/),
    });
  });
});
