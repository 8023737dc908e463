// The Azure driver's virtual networks, subnets and network security groups on the emulator,
// through @azure/arm-network: lists in pages of two (nextLink), the VMs in each by their NICs
// (an NSG on a NIC or on its subnet), changes as long-running operations, rules given a
// priority and a name of their own, and Azure's refusals in its words.

import { ProviderError } from '@overcast/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AzureNetworks, AzureRuleProperties } from '../../../cloud-sim/src/azure/index';
import { type AzureSim, startAzureSim } from '../../../cloud-sim/src/azure/index';
import {
  firewallNetworkDriver,
  type SubnetFirewallDriver,
  sshFromAnywhere as ssh,
} from '../common/test-support/network-driver';
import { createAzureDriver } from './index';

const TENANT = '11111111-2222-3333-4444-555555555555';
const CLIENT = 'aaaaaaaa-0000-0000-0000-000000000001';
const SUB = '00000000-0000-0000-0000-00000000000a';
const RG = 'overcast-rg';
const NET = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network`;
const VM = (n: number) =>
  `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Compute/virtualMachines/vm-${n}`;

let sim: AzureSim;
let net: AzureNetworks;
let driver: SubnetFirewallDriver;
const signal = () => new AbortController().signal;

const rule = (priority: number, over: Partial<AzureRuleProperties>): AzureRuleProperties => ({
  protocol: 'Tcp',
  access: 'Allow',
  direction: 'Inbound',
  priority,
  sourcePortRange: '*',
  sourcePortRanges: [],
  destinationPortRange: '*',
  destinationPortRanges: [],
  sourceAddressPrefix: '*',
  sourceAddressPrefixes: [],
  destinationAddressPrefix: '*',
  destinationAddressPrefixes: [],
  ...over,
});
const webId = `${NET}/networkSecurityGroups/web`;
const web = () => net.nsg(webId)!;
/** The web group's rules as "priority direction ports sources". */
const webRules = () =>
  [...web().rules.values()].map(
    (r) =>
      `${r.priority} ${r.direction} ${r.destinationPortRange ?? r.destinationPortRanges.join(',')} ${r.sourceAddressPrefix ?? r.sourceAddressPrefixes.join(',')}`,
  );

beforeAll(async () => {
  sim = await startAzureSim({
    principals: [{ tenantId: TENANT, clientId: CLIENT, secret: 'net-secret', subscriptions: [SUB] }],
    subscriptions: [{ id: SUB, vms: 4 }],
    pageSize: 2,
    transitionMs: 40,
  });
  net = sim.net;
  const azure = createAzureDriver({
    credentials: { tenantId: TENANT, clientId: CLIENT, clientSecret: 'net-secret' },
    endpoint: sim.url,
    config: {
      subscriptionId: SUB,
      resourceGroup: RG,
      authorityHost: sim.url,
      caCertificate: sim.ca,
      pricesEndpoint: '',
      retryAttempts: 3,
      retryBaseDelayMs: 1,
      retryMaxDelayMs: 20,
      pollIntervalMs: 10,
    },
  });
  driver = firewallNetworkDriver(azure, 'the Azure driver') as SubnetFirewallDriver;

  // vm-2 moves to the apps network, whose subnet carries the guard group; vm-1's NIC carries web.
  const apps = net.addVnet(SUB, RG, 'apps-vnet', 'westeurope', ['10.1.0.0/16']);
  const appsSubnet = net.addSubnet(apps, 'apps', '10.1.1.0/24');
  net.addVnet(SUB, RG, 'spare-vnet', 'eastus', ['10.2.0.0/16']);
  const nic = (n: number) => sim.state.nic(`${NET}/networkInterfaces/vm-${n}-nic`)!;
  nic(2).subnetId = appsSubnet.id;

  const group = net.addNsg(SUB, RG, 'web', 'eastus');
  net.putRule(group, 'https', rule(100, { destinationPortRange: '443' }));
  net.putRule(
    group,
    'http-inside',
    rule(110, {
      destinationPortRange: undefined,
      destinationPortRanges: ['80', '8080-8081'],
      sourceAddressPrefix: '10.0.0.0/8',
    }),
  );
  net.putRule(group, 'no-ssh', rule(200, { access: 'Deny', destinationPortRange: '22' }));
  net.putRule(
    group,
    'ssh-vnet',
    rule(300, { destinationPortRange: '22', sourceAddressPrefix: 'VirtualNetwork' }),
  );
  net.putRule(
    group,
    'out',
    rule(100, { direction: 'Outbound', protocol: '*', destinationAddressPrefix: 'Internet' }),
  );
  nic(1).nsgId = group.id;

  const guard = net.addNsg(SUB, RG, 'guard', 'westeurope');
  net.putRule(guard, 'rdp', rule(1000, { destinationPortRange: '3389', sourceAddressPrefix: 'Internet' }));
  appsSubnet.nsgId = guard.id;
  net.addNsg(SUB, RG, 'idle', 'eastus');
});
afterAll(() => sim?.close());

describe('Azure virtual networks', () => {
  // Pages of two: the third network, and vm-3 and vm-4's NICs, come only through nextLink.
  it('lists every network across nextLink pages with its address space, region and VMs', async () => {
    const networks = await driver.listNetworks(signal());
    expect(networks.map((n) => [n.name, n.cidr, n.region, n.isDefault])).toEqual([
      [`${RG}-vnet`, '127.56.0.0/13', 'eastus', false],
      ['apps-vnet', '10.1.0.0/16', 'westeurope', false],
      ['spare-vnet', '10.2.0.0/16', 'eastus', false],
    ]);
    expect(networks[0]!.machineIds.sort()).toEqual([VM(1), VM(3), VM(4)]);
    expect(networks[1]!.machineIds).toEqual([VM(2)]);
    expect(networks[2]!.machineIds).toEqual([]);
    expect(networks[1]!.extra).toMatchObject({ resourceGroup: RG, addressPrefixes: ['10.1.0.0/16'] });
  });

  it('lists subnets in their network with the VMs whose NICs sit in them', async () => {
    const subnets = await driver.listSubnets(signal());
    expect(subnets.map((s) => [s.name, s.cidr, s.location, s.machineIds.length])).toEqual([
      ['default', '127.56.0.0/16', 'eastus', 3],
      ['apps', '10.1.1.0/24', 'westeurope', 1],
    ]);
    expect(subnets[1]).toMatchObject({
      networkId: `${NET}/virtualNetworks/apps-vnet`,
      machineIds: [VM(2)],
      extra: { networkSecurityGroup: `${NET}/networkSecurityGroups/guard` },
    });
  });

  it('creates a network in a region, refuses one without a region or with a name taken, and deletes it', async () => {
    await expect(
      driver.createNetwork({ name: 'stage', cidr: '10.9.0.0/16', region: null }),
    ).rejects.toMatchObject({
      kind: 'invalid',
      message: expect.stringMatching(/choose its region/),
    });
    const made = await driver.createNetwork({ name: 'stage', cidr: '10.9.0.0/16', region: 'japaneast' });
    expect(made).toMatchObject({ name: 'stage', cidr: '10.9.0.0/16', region: 'japaneast', machineIds: [] });
    expect(net.vnet(made.externalId)).toMatchObject({
      addressPrefixes: ['10.9.0.0/16'],
      provisioningState: 'Succeeded',
    });
    await expect(
      driver.createNetwork({ name: 'stage', cidr: '10.10.0.0/16', region: 'eastus' }),
    ).rejects.toMatchObject({
      kind: 'conflict',
    });
    expect(net.vnet(made.externalId)!.addressPrefixes).toEqual(['10.9.0.0/16']);
    await expect(
      driver.createNetwork({ name: 'odd', cidr: '10.9.0.0/16', region: 'marsnorth' }),
    ).rejects.toMatchObject({
      kind: 'invalid',
      message:
        "The provided location 'marsnorth' is not available for resource type 'Microsoft.Network/virtualNetworks'.",
    });
    await expect(
      driver.createNetwork({ name: 'has space', cidr: '10.9.0.0/16', region: 'eastus' }),
    ).rejects.toMatchObject({
      kind: 'invalid',
    });
    await driver.deleteNetwork(made.externalId);
    expect(net.vnet(made.externalId)).toBeUndefined();
  });

  it('adds a subnet in the network range, refuses one outside or overlapping in Azure words, and deletes it', async () => {
    const apps = `${NET}/virtualNetworks/apps-vnet`;
    const subnet = await driver.createSubnet({
      networkId: apps,
      name: 'jobs',
      cidr: '10.1.2.0/24',
      location: null,
    });
    expect(subnet).toMatchObject({
      networkId: apps,
      name: 'jobs',
      cidr: '10.1.2.0/24',
      location: 'westeurope',
    });
    await expect(
      driver.createSubnet({ networkId: apps, name: 'far', cidr: '10.7.0.0/24', location: null }),
    ).rejects.toMatchObject({
      kind: 'invalid',
      message:
        "Subnet 'far' is not valid because its IP address range is outside the IP address range of virtual network 'apps-vnet'.",
    });
    await expect(
      driver.createSubnet({ networkId: apps, name: 'near', cidr: '10.1.2.128/25', location: null }),
    ).rejects.toMatchObject({
      kind: 'invalid',
      message: expect.stringMatching(/overlaps with that of an existing subnet/),
    });
    await expect(
      driver.createSubnet({ networkId: apps, name: 'jobs', cidr: '10.1.3.0/24', location: null }),
    ).rejects.toMatchObject({ kind: 'conflict' });
    await driver.deleteSubnet(subnet.externalId);
    expect(net.vnet(apps)!.subnets.has('jobs')).toBe(false);
  });

  it('keeps a subnet and a network that VMs sit in, in Azure words', async () => {
    const used = `${NET}/virtualNetworks/apps-vnet/subnets/apps`;
    await expect(driver.deleteSubnet(used)).rejects.toMatchObject({
      kind: 'conflict',
      message: expect.stringMatching(/^Subnet apps is in use by .*vm-2-nic.* and cannot be deleted/),
    });
    await expect(driver.deleteNetwork(`${NET}/virtualNetworks/apps-vnet`)).rejects.toMatchObject({
      kind: 'conflict',
    });
    expect(net.subnet(used)).toBeDefined();
    await expect(driver.deleteSubnet('/etc/passwd')).rejects.toMatchObject({ kind: 'invalid' });
  });
});

describe('Azure network security groups', () => {
  it('lists groups with their Allow rules as rules, the rest apart, and the VMs by NIC or subnet', async () => {
    const firewalls = await driver.listFirewalls(signal());
    expect(firewalls.map((f) => f.name)).toEqual(['web', 'guard', 'idle']);
    const [webFw, guard, idle] = firewalls;
    expect(webFw!.rules).toEqual([
      { direction: 'ingress', protocol: 'tcp', fromPort: 443, toPort: 443, cidrs: ['0.0.0.0/0', '::/0'] },
      { direction: 'ingress', protocol: 'tcp', fromPort: 80, toPort: 80, cidrs: ['10.0.0.0/8'] },
      { direction: 'ingress', protocol: 'tcp', fromPort: 8080, toPort: 8081, cidrs: ['10.0.0.0/8'] },
      { direction: 'egress', protocol: 'all', fromPort: null, toPort: null, cidrs: ['0.0.0.0/0', '::/0'] },
    ]);
    expect(webFw!.extra.otherRules).toEqual(['no-ssh', 'ssh-vnet']);
    expect(webFw!.extra.securityRules).toContainEqual(
      expect.objectContaining({ name: 'no-ssh', priority: 200, access: 'Deny', ports: ['22'] }),
    );
    expect(webFw!.machineIds).toEqual([VM(1)]);
    // On the subnet, from the Internet tag: the whole internet on RDP.
    expect(guard!.rules).toEqual([
      { direction: 'ingress', protocol: 'tcp', fromPort: 3389, toPort: 3389, cidrs: ['0.0.0.0/0', '::/0'] },
    ]);
    expect(guard!.machineIds).toEqual([VM(2)]);
    expect(idle).toMatchObject({ rules: [], machineIds: [], networkId: null });
  });

  it('adds SSH from anywhere after the existing inbound rules, refuses it twice, and removes it', async () => {
    await driver.addFirewallRule(webId, ssh);
    const added = [...web().rules.values()].at(-1)!;
    expect(added.name).toMatch(/^overcast-ingress-310-[0-9a-f]{6}$/);
    expect(webRules().at(-1)).toBe('310 Inbound 22 0.0.0.0/0');
    await expect(driver.addFirewallRule(webId, ssh)).rejects.toMatchObject({
      kind: 'conflict',
      message: 'web already has that rule.',
    });
    const listed = (await driver.listFirewalls(signal())).find((f) => f.name === 'web')!;
    expect(listed.rules).toContainEqual(ssh);
    await driver.removeFirewallRule(webId, ssh);
    expect(web().rules.has(added.name.toLowerCase())).toBe(false);
    await expect(driver.removeFirewallRule(webId, ssh)).rejects.toMatchObject({
      kind: 'not-found',
      message: 'web has no such rule.',
    });
  });

  it('writes several ranges into one rule, and two adds at once both land at distinct priorities', async () => {
    const ranges = { ...ssh, fromPort: 9000, toPort: 9100, cidrs: ['198.51.100.0/24', '2001:db8::/32'] };
    const udp = { ...ssh, protocol: 'udp' as const, fromPort: 53, toPort: 53, cidrs: ['192.0.2.0/24'] };
    await Promise.all([driver.addFirewallRule(webId, ranges), driver.addFirewallRule(webId, udp)]);
    const inbound = [...web().rules.values()].filter((r) => r.direction === 'Inbound').map((r) => r.priority);
    expect(new Set(inbound).size).toBe(inbound.length);
    expect(webRules()).toContain(
      `${[...web().rules.values()].find((r) => r.destinationPortRange === '9000-9100')!.priority} Inbound 9000-9100 198.51.100.0/24,2001:db8::/32`,
    );
    await driver.removeFirewallRule(webId, ranges);
    await driver.removeFirewallRule(webId, udp);
    expect(webRules()).toHaveLength(5);
  });

  it('removes one port range of a rule holding several by writing the rest back', async () => {
    await driver.removeFirewallRule(webId, { ...ssh, fromPort: 80, toPort: 80, cidrs: ['10.0.0.0/8'] });
    expect(web().rules.get('http-inside')).toMatchObject({
      priority: 110,
      destinationPortRanges: ['8080-8081'],
    });
  });

  it("passes Azure's refusals on in its words, and refuses ids that are no security group", async () => {
    const bad = await driver
      .addFirewallRule(webId, { ...ssh, protocol: 'udp', fromPort: 60, toPort: 50 })
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ProviderError);
    expect(bad).toMatchObject({
      kind: 'invalid',
      message: 'Security rule has invalid Port range. Value provided: 60-50.',
    });
    await expect(driver.addFirewallRule(`${NET}/networkSecurityGroups/nope`, ssh)).rejects.toMatchObject({
      kind: 'not-found',
      message: expect.stringMatching(/Microsoft.Network\/networkSecurityGroups\/nope.*was not found/),
    });
    await expect(driver.addFirewallRule(`${NET}/virtualNetworks/apps-vnet`, ssh)).rejects.toMatchObject({
      kind: 'invalid',
      message: expect.stringMatching(/is not an Azure network security group id/),
    });
  });
});
