// The Proxmox VE driver's networks and firewalls against the emulator, through the real client:
// SDN vnets and subnets made, applied and deleted, the nodes' bridges listed read-only, the guests
// on each from their configs; security groups and guest firewalls, rules added and removed by
// position and digest, a guest whose firewall is off shown open to everyone.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ProxmoxSim, startProxmoxSim } from '../../../cloud-sim/src/proxmox/index';
import {
  firewallNetworkDriver,
  type SubnetFirewallDriver,
  sshFromAnywhere as ssh,
} from '../common/test-support/network-driver';
import { createProxmoxDriverWithCertificate } from './driver';

const FAST = { taskPollMs: 10, retryBaseDelayMs: 5, retryMaxDelayMs: 50 };
let sim: ProxmoxSim;
let d: SubnetFirewallDriver;
const signal = () => new AbortController().signal;
const http = (port: number) => ({ ...ssh, fromPort: port, toPort: port, cidrs: ['198.51.100.0/24'] });
/** Guest 100's rules as Proxmox holds them, in order. */
const rulesOf100 = () =>
  sim.net
    .guestFirewall(100)
    .rules.map((r) => `${r.type} ${r.action} ${r.proto ?? ''} ${r.dport ?? ''}`.trim());

beforeAll(async () => {
  // Guests 100-105 on pve1 and pve2 in turn, all on vmbr0; 102 and 105 are containers.
  sim = await startProxmoxSim({
    machines: 6,
    nodes: 2,
    tokens: [{ id: 'overcast@pve!net', secret: 'c0ffee00-1111-4222-8333-444455556666' }],
    actionDelayMs: 0,
  });
  d = firewallNetworkDriver(
    createProxmoxDriverWithCertificate({
      credentials: { apiToken: 'overcast@pve!net=c0ffee00-1111-4222-8333-444455556666' },
      endpoint: sim.url,
      config: { certificateFingerprint: sim.certificate.fingerprint, ...FAST },
    }),
    'the Proxmox VE driver',
  ) as SubnetFirewallDriver;
  sim.net.createZone({ zone: 'lab', type: 'simple' });
  sim.net.createVnet({ vnet: 'apps', zone: 'lab' });
  sim.net.createSubnet('apps', { subnet: '10.0.1.0/24', type: 'subnet' });
  sim.net.createSubnet('apps', { subnet: '10.0.2.0/24', type: 'subnet' });
  const vm = sim.cluster.guests.get(100)!.config;
  vm.net1 = 'virtio=BC:24:11:00:01:01,bridge=apps';
  vm.ipconfig1 = 'ip=10.0.1.5/24,gw=10.0.1.1';
  sim.cluster.guests.get(102)!.config.net1 = 'name=eth1,bridge=apps,ip=10.0.2.7/24';

  sim.net.seedGroup('web', [{ type: 'in', action: 'ACCEPT', proto: 'tcp', dport: '443', enable: '1' }]);
  const fw = sim.net.guestFirewall(100);
  fw.options.enable = 1;
  for (const rule of <Array<Record<string, string>>>[
    { type: 'in', action: 'DROP', proto: 'tcp', dport: '25', enable: '1' },
    { type: 'in', action: 'ACCEPT', proto: 'tcp', dport: '8080', source: '10.0.0.0/8', enable: '1' },
    { type: 'group', action: 'web', enable: '1' },
  ])
    sim.net.addRule(fw.rules, rule);
  // 101 names the group too, but its firewall is off.
  sim.net.addRule(sim.net.guestFirewall(101).rules, { type: 'group', action: 'web', enable: '1' });
}, 60_000);
afterAll(() => sim.close());

describe('Proxmox VE networks', () => {
  it('lists SDN vnets with their subnets and the nodes’ bridges, with the guests on each', async () => {
    const networks = await d.listNetworks(signal());
    expect(networks.map((n) => [n.externalId, n.cidr, n.region, n.machineIds])).toEqual([
      ['sdn/apps', null, null, ['100', '102']],
      ['bridge/pve1/vmbr0', '192.168.100.0/24', 'pve1', ['100', '102', '104']],
      ['bridge/pve2/vmbr0', '192.168.100.0/24', 'pve2', ['101', '103', '105']],
    ]);
    expect(networks[1]!.extra).toMatchObject({ kind: 'bridge', readOnly: true, ports: 'eno1' });
    const subnets = await d.listSubnets(signal());
    expect(subnets.map((s) => [s.externalId, s.networkId, s.cidr, s.machineIds])).toEqual([
      ['apps/lab-10.0.1.0-24', 'sdn/apps', '10.0.1.0/24', ['100']],
      ['apps/lab-10.0.2.0-24', 'sdn/apps', '10.0.2.0/24', ['102']],
    ]);
  });

  it('lists only the bridges of a cluster without SDN', async () => {
    sim.net.sdn = false;
    try {
      const networks = await d.listNetworks(signal());
      expect(networks.map((n) => n.externalId)).toEqual(['bridge/pve1/vmbr0', 'bridge/pve2/vmbr0']);
    } finally {
      sim.net.sdn = true;
    }
  });

  it('makes a vnet in a simple zone with its first subnet, adds and deletes a subnet, deletes it, each applied', async () => {
    const made = await d.createNetwork({ name: 'web2', cidr: '10.20.0.0/24', region: null });
    expect(made).toMatchObject({ externalId: 'sdn/web2', extra: { zone: 'overcast' } });
    expect(sim.net.zones.get('overcast')).toEqual({ zone: 'overcast', type: 'simple' });
    expect(sim.net.running).toContain('web2');
    const subnet = await d.createSubnet({
      networkId: 'sdn/web2',
      name: 'b',
      cidr: '10.20.1.0/24',
      location: null,
    });
    expect(subnet).toMatchObject({ externalId: 'web2/overcast-10.20.1.0-24', cidr: '10.20.1.0/24' });
    await d.deleteSubnet(subnet.externalId);
    expect([...sim.net.subnets.keys()]).not.toContain('overcast-10.20.1.0-24');
    await d.deleteNetwork('sdn/web2');
    expect(sim.net.vnets.has('web2')).toBe(false);
    expect(sim.net.running).not.toContain('web2');
    expect([...sim.net.subnets.values()].map((s) => s.vnet)).toEqual(['apps', 'apps']);
  });

  it('passes on Proxmox’s refusals in its words and leaves no half-made vnet', async () => {
    await expect(
      d.createNetwork({ name: 'web_net', cidr: '10.30.0.0/24', region: null }),
    ).rejects.toMatchObject({
      kind: 'invalid',
      message:
        "Parameter verification failed: vnet: invalid format - vnet ID 'web_net' contains illegal characters",
    });
    await expect(d.createNetwork({ name: 'half', cidr: '10.30.0.1/24', region: null })).rejects.toMatchObject(
      {
        kind: 'invalid',
        message: expect.stringContaining(
          "subnet: invalid format - value does not look like a valid CIDR network: '10.30.0.1/24'",
        ),
      },
    );
    expect([...sim.net.vnets.keys()].sort()).toEqual(['apps']);
    await expect(d.createNetwork({ name: 'apps', cidr: '10.30.0.0/24', region: null })).rejects.toMatchObject(
      {
        kind: 'conflict',
        message: "sdn vnet object ID 'apps' already defined",
      },
    );
    await expect(d.deleteNetwork('sdn/apps')).rejects.toMatchObject({
      kind: 'conflict',
      message: expect.stringContaining('in use by guests 100, 102'),
    });
    await expect(d.deleteNetwork('bridge/pve1/vmbr0')).rejects.toMatchObject({
      kind: 'invalid',
      message: expect.stringContaining('Linux bridge'),
    });
    expect(sim.net.vnets.has('apps')).toBe(true);
  });
});

describe('Proxmox VE firewall', () => {
  it('lists security groups with the guests whose enabled firewall names them, and guest firewalls', async () => {
    const all = await d.listFirewalls(signal());
    const web = all.find((f) => f.externalId === 'group/web')!;
    expect(web.rules).toEqual([
      { direction: 'ingress', protocol: 'tcp', fromPort: 443, toPort: 443, cidrs: ['0.0.0.0/0', '::/0'] },
    ]);
    expect(web.machineIds).toEqual(['100']);
    const own = all.find((f) => f.externalId === 'qemu/100')!;
    expect(own).toMatchObject({
      name: 'vm-000000 (VM 100)',
      machineIds: ['100'],
      extra: { enabled: true, groups: ['web'] },
    });
    expect(own.rules).toEqual([
      { direction: 'ingress', protocol: 'tcp', fromPort: 8080, toPort: 8080, cidrs: ['10.0.0.0/8'] },
    ]);
    // New rules go first: the group rule, added last, is at the top.
    expect(own.extra.otherRules).toEqual(['group web', 'in DROP tcp 25']);
    expect(
      all.filter((f) => f.externalId.startsWith('qemu/') || f.externalId.startsWith('lxc/')),
    ).toHaveLength(6);
  });

  it('shows a guest whose firewall is off as open to everyone, until it is on with policy DROP', async () => {
    const open = {
      direction: 'ingress',
      protocol: 'all',
      fromPort: null,
      toPort: null,
      cidrs: ['0.0.0.0/0', '::/0'],
    };
    const off = (await d.listFirewalls(signal())).find((f) => f.externalId === 'qemu/101')!;
    expect(off.rules).toEqual([open]);
    expect(off.description).toMatch(/is off: nothing is filtered/);
    await expect(d.removeFirewallRule('qemu/101', open as typeof ssh)).rejects.toMatchObject({
      kind: 'invalid',
      message: expect.stringContaining('turn it on with policy DROP'),
    });
    sim.net.guestFirewall(101).options.enable = 1;
    sim.net.guestFirewall(101).options.policy_in = 'ACCEPT';
    const accepting = (await d.listFirewalls(signal())).find((f) => f.externalId === 'qemu/101')!;
    expect(accepting.rules).toEqual([open]);
    sim.net.guestFirewall(101).options.policy_in = 'DROP';
    const closed = await d.listFirewalls(signal());
    expect(closed.find((f) => f.externalId === 'qemu/101')!.rules).toEqual([]);
    expect(closed.find((f) => f.externalId === 'group/web')!.machineIds).toEqual(['100', '101']);
    sim.net.guestFirewall(101).options.enable = 0;
  });

  it('adds rules at the top and removes one by position after the others moved', async () => {
    await d.addFirewallRule('qemu/100', ssh);
    await d.addFirewallRule('qemu/100', http(80));
    expect(rulesOf100()).toEqual([
      'in ACCEPT tcp 80',
      'in ACCEPT tcp 22',
      'group web',
      'in ACCEPT tcp 8080',
      'in DROP tcp 25',
    ]);
    expect(sim.net.guestFirewall(100).rules[1]).toMatchObject({ source: '0.0.0.0/0', enable: 1 });
    // Someone adds a rule in Proxmox meanwhile: 22 is now third, and is the one removed.
    sim.net.addRule(sim.net.guestFirewall(100).rules, {
      type: 'in',
      action: 'ACCEPT',
      proto: 'udp',
      dport: '53',
      enable: '1',
    });
    await d.removeFirewallRule('qemu/100', ssh);
    expect(rulesOf100()).toEqual([
      'in ACCEPT udp 53',
      'in ACCEPT tcp 80',
      'group web',
      'in ACCEPT tcp 8080',
      'in DROP tcp 25',
    ]);
    await d.removeFirewallRule('qemu/100', http(80));
    sim.net.deleteRule(sim.net.guestFirewall(100).rules, '0', undefined);
    expect(rulesOf100()).toEqual(['group web', 'in ACCEPT tcp 8080', 'in DROP tcp 25']);
  });

  it('removes every copy of a rule Proxmox holds twice, the others kept in order', async () => {
    const rules = sim.net.group('web').rules;
    const sshRule = {
      type: 'in',
      action: 'ACCEPT',
      proto: 'tcp',
      dport: '22',
      source: '0.0.0.0/0',
      enable: '1',
    };
    sim.net.addRule(rules, sshRule);
    sim.net.addRule(rules, { ...sshRule, pos: '2' });
    expect(rules.map((r) => r.dport)).toEqual(['22', '443', '22']);
    await d.removeFirewallRule('group/web', ssh);
    expect(rules.map((r) => r.dport)).toEqual(['443']);
  });

  it('refuses in Proxmox’s words: a rule held already, none there, a foreign guest or group, mixed families', async () => {
    await expect(
      d.addFirewallRule('qemu/100', { ...http(8080), cidrs: ['10.0.0.0/8'] }),
    ).rejects.toMatchObject({
      kind: 'conflict',
      message: 'The firewall of VM 100 already has that rule.',
    });
    await expect(d.removeFirewallRule('group/web', http(9999))).rejects.toMatchObject({
      kind: 'not-found',
      message: "Security group 'web' has no such rule.",
    });
    await expect(d.addFirewallRule('qemu/999', ssh)).rejects.toMatchObject({ kind: 'not-found' });
    await expect(d.addFirewallRule('group/nope', ssh)).rejects.toMatchObject({
      kind: 'not-found',
      message: "no such security group 'nope'",
    });
    await expect(d.addFirewallRule('../../cluster', ssh)).rejects.toMatchObject({ kind: 'invalid' });
    await expect(
      d.addFirewallRule('qemu/100', { ...ssh, cidrs: ['198.51.100.0/24', '2001:db8::/32'] }),
    ).rejects.toMatchObject({ kind: 'invalid', message: expect.stringContaining('one family') });
    expect(rulesOf100()).toEqual(['group web', 'in ACCEPT tcp 8080', 'in DROP tcp 25']);
  });
});
