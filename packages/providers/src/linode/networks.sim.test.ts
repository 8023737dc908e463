// The Linode driver's VPCs, subnets and Cloud Firewalls against the emulator.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Test-only reach into the emulator package (providers depends on contracts only).
import { type LinodeSim, startLinodeSim } from '../../../cloud-sim/src/linode/index';
import {
  firewallNetworkDriver,
  type SubnetFirewallDriver,
  sshFromAnywhere as ssh,
} from '../common/test-support/network-driver';
import { createLinodeDriver } from './index';

const TOKEN = 'li-net';
let sim: LinodeSim;
let driver: SubnetFirewallDriver;
let vpcId: number;
let subnetId: number;
let firewallId: number;
let linodes: number[];
const signal = () => new AbortController().signal;
const net = () => sim.account(TOKEN).net;

beforeAll(async () => {
  sim = await startLinodeSim({ accounts: [{ token: TOKEN, linodes: 6, namePrefix: 'web' }] });
  driver = firewallNetworkDriver(
    createLinodeDriver({
      credentials: { token: TOKEN },
      endpoint: sim.url,
      config: { retryBaseDelayMs: 5, retryMaxDelayMs: 50 },
    }),
    'the Linode driver',
  ) as SubnetFirewallDriver;
  // The seeded Linodes take the regions in turn: the first and the sixth are in us-east.
  linodes = sim
    .account(TOKEN)
    .listLinodes()
    .map((l) => l.id);
  const vpc = net().createVpc(
    { label: 'apps', region: 'us-east', subnets: [{ label: 'front', ipv4: '10.0.1.0/24' }] },
    ['us-east'],
  );
  vpcId = vpc.id;
  subnetId = [...vpc.subnets.keys()][0]!;
  net().attach(linodes[0]!, vpcId, subnetId);
  net().attach(linodes[5]!, vpcId, subnetId);
  firewallId = net().createFirewall({
    label: 'web-edge',
    rules: {
      inbound: [
        {
          action: 'ACCEPT',
          protocol: 'TCP',
          ports: '80,443',
          addresses: { ipv4: ['0.0.0.0/0'], ipv6: ['::/0'] },
        },
        { action: 'DROP', protocol: 'TCP', ports: '25', addresses: { ipv4: ['0.0.0.0/0'] } },
        { action: 'ACCEPT', protocol: 'ICMP', addresses: { ipv4: ['10.0.0.0/8'] } },
      ],
      inbound_policy: 'DROP',
      outbound_policy: 'ACCEPT',
    },
    devices: { linodes: [linodes[0], linodes[1]] },
  }).id;
});
afterAll(() => sim.close());

describe('Linode VPCs and subnets through the emulator', () => {
  it('lists each VPC in its region with the Linodes in its subnets', async () => {
    const networks = await driver.listNetworks(signal());
    expect(networks).toEqual([
      expect.objectContaining({
        externalId: String(vpcId),
        name: 'apps',
        cidr: null,
        region: 'us-east',
        machineIds: [String(linodes[0]), String(linodes[5])],
      }),
    ]);
    const subnets = await driver.listSubnets(signal());
    expect(subnets).toEqual([
      expect.objectContaining({
        externalId: `${vpcId}:${subnetId}`,
        networkId: String(vpcId),
        name: 'front',
        cidr: '10.0.1.0/24',
        location: 'us-east',
        machineIds: [String(linodes[0]), String(linodes[5])],
      }),
    ]);
  });

  it('makes a VPC with its range as the first subnet, and needs a region for it', async () => {
    await expect(
      driver.createNetwork({ name: 'db', cidr: '10.9.0.0/24', region: null }),
    ).rejects.toMatchObject({
      kind: 'invalid',
      message: expect.stringMatching(/belongs to one region/),
    });
    const made = await driver.createNetwork({ name: 'db', cidr: '10.9.0.0/24', region: 'eu-west' });
    expect(made).toMatchObject({ name: 'db', region: 'eu-west', machineIds: [] });
    const onLinode = net().vpc(Number(made.externalId));
    expect([...onLinode.subnets.values()].map((s) => [s.label, s.ipv4])).toEqual([['db', '10.9.0.0/24']]);
    await driver.deleteNetwork(made.externalId);
    expect(net().vpcs.has(Number(made.externalId))).toBe(false);
  });

  it('adds and deletes a subnet; Linode refuses an overlapping range and a subnet in use, in its words', async () => {
    const made = await driver.createSubnet({
      networkId: String(vpcId),
      name: 'back',
      cidr: '10.0.2.0/24',
      location: null,
    });
    expect(made).toMatchObject({ name: 'back', cidr: '10.0.2.0/24', location: 'us-east', machineIds: [] });
    await expect(
      driver.createSubnet({ networkId: String(vpcId), name: 'wide', cidr: '10.0.0.0/16', location: null }),
    ).rejects.toMatchObject({ kind: 'invalid', message: 'ipv4: Overlaps with the range of subnet front' });
    await expect(
      driver.createSubnet({
        networkId: String(vpcId),
        name: 'far',
        cidr: '10.0.3.0/24',
        location: 'eu-west',
      }),
    ).rejects.toMatchObject({ message: expect.stringMatching(/in its VPC's region \(us-east\)/) });

    await expect(driver.deleteSubnet(`${vpcId}:${subnetId}`)).rejects.toMatchObject({
      kind: 'conflict',
      message: 'Cannot delete a subnet while Linodes have interfaces in it.',
    });
    await expect(driver.deleteNetwork(String(vpcId))).rejects.toMatchObject({
      message: expect.stringMatching(/^Cannot delete a VPC while it has Linodes/),
    });
    await driver.deleteSubnet(made.externalId);
    expect([...net().vpc(vpcId).subnets.values()].map((s) => s.label)).toEqual(['front']);
  });
});

describe('Linode Cloud Firewalls through the emulator', () => {
  const rulesOnLinode = () => net().firewall(firewallId).rules.inbound;

  it('lists a firewall with its allow rules, one per port range, and the Linodes it protects', async () => {
    const [fw] = await driver.listFirewalls(signal());
    expect(fw).toMatchObject({
      externalId: String(firewallId),
      name: 'web-edge',
      networkId: null,
      machineIds: [String(linodes[0]), String(linodes[1])],
      extra: expect.objectContaining({ inboundPolicy: 'DROP', otherRules: ['inbound DROP TCP 25'] }),
    });
    const world = ['0.0.0.0/0', '::/0'];
    expect(fw!.rules).toEqual([
      { direction: 'ingress', protocol: 'tcp', fromPort: 80, toPort: 80, cidrs: world },
      { direction: 'ingress', protocol: 'tcp', fromPort: 443, toPort: 443, cidrs: world },
      { direction: 'ingress', protocol: 'icmp', fromPort: null, toPort: null, cidrs: ['10.0.0.0/8'] },
    ]);
  });

  it('adds a rule by rewriting the rule set, keeping the DROP rule and the policies, and refuses it twice', async () => {
    await driver.addFirewallRule(String(firewallId), ssh);
    expect(rulesOnLinode().map((r) => [r.action, r.protocol, r.ports ?? null])).toEqual([
      ['ACCEPT', 'TCP', '80,443'],
      ['DROP', 'TCP', '25'],
      ['ACCEPT', 'ICMP', null],
      ['ACCEPT', 'TCP', '22'],
    ]);
    expect(rulesOnLinode()[3]!.addresses).toEqual({ ipv4: ['0.0.0.0/0'], ipv6: [] });
    expect(net().firewall(firewallId).rules.inbound_policy).toBe('DROP');
    await expect(driver.addFirewallRule(String(firewallId), ssh)).rejects.toMatchObject({ kind: 'conflict' });
    await expect(
      driver.addFirewallRule(String(firewallId), { ...ssh, protocol: 'all', fromPort: null, toPort: null }),
    ).rejects.toMatchObject({ kind: 'invalid', message: expect.stringMatching(/TCP, UDP or ICMP/) });
  });

  it('removes a rule, and from a rule of several ports only its port', async () => {
    await driver.removeFirewallRule(String(firewallId), ssh);
    const https = { ...ssh, fromPort: 443, toPort: 443, cidrs: ['0.0.0.0/0', '::/0'] };
    await driver.removeFirewallRule(String(firewallId), https);
    expect(rulesOnLinode().map((r) => [r.action, r.protocol, r.ports ?? null])).toEqual([
      ['ACCEPT', 'TCP', '80'],
      ['DROP', 'TCP', '25'],
      ['ACCEPT', 'ICMP', null],
    ]);
    await expect(driver.removeFirewallRule(String(firewallId), https)).rejects.toMatchObject({
      kind: 'not-found',
    });
  });
});
