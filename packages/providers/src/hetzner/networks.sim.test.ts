// The Hetzner Cloud driver's networks, subnets and firewalls against the emulator, in pages of
// two so that every listing walks meta.pagination.

import { type FirewallRule, ProviderError } from '@overcast/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Test-only reach into the emulator package (providers depends on contracts only).
import { type HetznerSim, startHetznerSim } from '../../../cloud-sim/src/hetzner/index';
import {
  firewallNetworkDriver,
  type SubnetFirewallDriver,
  sshFromAnywhere as ssh,
} from '../common/test-support/network-driver';
import { createHetznerDriver } from './index';

let sim: HetznerSim;
let driver: SubnetFirewallDriver;
let firewallId: string;
let serverIds: string[];
const signal = () => new AbortController().signal;
const project = () => sim.project('net');
const rulesOnHetzner = () => project().net.firewall(Number(firewallId)).rules;

beforeAll(async () => {
  sim = await startHetznerSim({ projects: [{ token: 'net', servers: 4, namePrefix: 'web' }] });
  driver = firewallNetworkDriver(
    createHetznerDriver({
      credentials: { token: 'net' },
      endpoint: sim.url,
      config: { retryBaseDelayMs: 5, retryMaxDelayMs: 50, perPage: 2 },
    }),
    'the Hetzner Cloud driver',
  ) as SubnetFirewallDriver;
  serverIds = project()
    .listServers(null)
    .map((s) => String(s.id));
  for (const name of ['db', 'backup']) {
    project().net.createNetwork({
      name,
      ip_range: name === 'db' ? '10.1.0.0/16' : '192.168.0.0/24',
      subnets: [
        {
          type: 'cloud',
          ip_range: name === 'db' ? '10.1.2.0/24' : '192.168.0.0/28',
          network_zone: 'us-east',
        },
      ],
    });
  }
  firewallId = String(
    project().net.createFirewall({
      name: 'web-edge',
      rules: [
        { direction: 'in', protocol: 'tcp', port: '22', source_ips: ['0.0.0.0/0', '::/0'] },
        { direction: 'in', protocol: 'tcp', port: '80-85', source_ips: ['10.0.0.0/8'] },
        { direction: 'in', protocol: 'icmp', source_ips: ['0.0.0.0/0'], description: 'ping' },
        { direction: 'in', protocol: 'esp', source_ips: ['203.0.113.0/24'] },
        { direction: 'out', protocol: 'udp', port: 'any', destination_ips: ['0.0.0.0/0'] },
      ],
      // Seeded servers 0 and 2 carry env=prod; server 3 is named by id.
      apply_to: [
        { type: 'server', server: { id: Number(serverIds[3]) } },
        { type: 'label_selector', label_selector: { selector: 'env=prod' } },
      ],
    }).firewall.id,
  );
  for (const name of ['a', 'b']) project().net.createFirewall({ name: `spare-${name}` });
});
afterAll(() => sim.close());

describe('Hetzner Cloud networks and firewalls through the emulator', () => {
  it('lists every network page by page, with its servers, and each subnet in its network zone', async () => {
    const before = sim.requestLog.length;
    const networks = await driver.listNetworks(signal());
    const paths = sim.requestLog.slice(before).map((r) => r.path);
    expect(paths).toEqual(['/v1/networks?page=1&per_page=2', '/v1/networks?page=2&per_page=2']);
    expect(networks.map((n) => [n.name, n.cidr, n.isDefault])).toEqual([
      ['web-net', '10.0.0.0/16', false],
      ['db', '10.1.0.0/16', false],
      ['backup', '192.168.0.0/24', false],
    ]);
    expect(networks[0]!.machineIds.sort()).toEqual([...serverIds].sort());
    expect(networks[1]!.machineIds).toEqual([]);

    const subnets = await driver.listSubnets(signal());
    expect(subnets.map((s) => [s.networkId, s.cidr, s.location])).toEqual([
      [networks[0]!.externalId, '10.0.0.0/24', 'eu-central'],
      [networks[1]!.externalId, '10.1.2.0/24', 'us-east'],
      [networks[2]!.externalId, '192.168.0.0/28', 'us-east'],
    ]);
  });

  it('lists firewalls with their rules, the servers they reach, and SSH open to 0.0.0.0/0', async () => {
    const firewalls = await driver.listFirewalls(signal());
    expect(firewalls.map((f) => f.name)).toEqual(['web-edge', 'spare-a', 'spare-b']);
    const fw = firewalls[0]!;
    expect(fw.rules).toEqual([
      { ...ssh, cidrs: ['0.0.0.0/0', '::/0'] },
      { direction: 'ingress', protocol: 'tcp', fromPort: 80, toPort: 85, cidrs: ['10.0.0.0/8'] },
      { direction: 'ingress', protocol: 'icmp', fromPort: null, toPort: null, cidrs: ['0.0.0.0/0'] },
      { direction: 'egress', protocol: 'udp', fromPort: 1, toPort: 65535, cidrs: ['0.0.0.0/0'] },
    ]);
    // esp is one protocol, not every one: shown apart rather than as an "all" rule.
    expect(fw.extra.otherRules).toEqual(['in esp 203.0.113.0/24']);
    expect(fw.machineIds.sort()).toEqual([serverIds[3], serverIds[0], serverIds[2]].sort());
    expect(fw.description).toContain('env=prod');
    expect(firewalls[1]!.machineIds).toEqual([]);
  });

  it('creates and deletes a network; one with servers in it is refused before Hetzner detaches them', async () => {
    const made = await driver.createNetwork({ name: 'staging', cidr: '172.16.0.0/16', region: null });
    expect(made).toMatchObject({ name: 'staging', cidr: '172.16.0.0/16', machineIds: [] });
    expect([...project().net.networks.values()].map((n) => n.name)).toContain('staging');
    await driver.deleteNetwork(made.externalId);
    expect([...project().net.networks.values()].map((n) => n.name)).not.toContain('staging');

    const busy = (await driver.listNetworks(signal()))[0]!;
    const before = sim.requestLog.length;
    const refused = await driver.deleteNetwork(busy.externalId).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ProviderError);
    expect(refused).toMatchObject({
      kind: 'conflict',
      message: 'web-net still has 4 server(s) in it; detach them from it first.',
    });
    expect(project().net.networks.has(Number(busy.externalId))).toBe(true);
    expect(sim.requestLog.slice(before).map((r) => r.method)).toEqual(['GET']);

    const outside = await driver
      .createNetwork({ name: 'public', cidr: '8.8.0.0/16', region: null })
      .catch((e: unknown) => e);
    expect(outside).toMatchObject({ kind: 'invalid', message: expect.stringMatching(/ip_range/) });
  });

  it('adds a subnet in the zone of a location, refuses an overlapping one, deletes it, keeps one in use', async () => {
    const db = (await driver.listNetworks(signal())).find((n) => n.name === 'db')!;
    const subnet = await driver.createSubnet({
      networkId: db.externalId,
      name: 'x',
      cidr: '10.1.3.0/24',
      location: 'fsn1',
    });
    expect(subnet).toMatchObject({ networkId: db.externalId, cidr: '10.1.3.0/24', location: 'eu-central' });
    const overlapping = await driver
      .createSubnet({ networkId: db.externalId, name: 'y', cidr: '10.1.3.128/25', location: null })
      .catch((e: unknown) => e);
    expect(overlapping).toMatchObject({ kind: 'conflict', message: expect.stringMatching(/overlaps/) });
    const nowhere = await driver
      .createSubnet({ networkId: db.externalId, name: 'z', cidr: '10.1.4.0/24', location: 'atlantis' })
      .catch((e: unknown) => e);
    expect(nowhere).toMatchObject({ kind: 'invalid', message: expect.stringMatching(/atlantis/) });

    await driver.deleteSubnet(subnet.externalId);
    expect(
      project()
        .net.network(Number(db.externalId))
        .subnets.map((s) => s.ipRange),
    ).toEqual(['10.1.2.0/24']);
    await expect(driver.deleteSubnet('not-a-subnet')).rejects.toMatchObject({ kind: 'invalid' });
    const [used] = await driver.listSubnets(signal());
    await expect(driver.deleteSubnet(used!.externalId)).rejects.toMatchObject({
      kind: 'conflict',
      message: expect.stringMatching(/subnet is still in use by servers/),
    });
  });

  it('adds and removes one rule by rewriting the list, keeping the rules it cannot show', async () => {
    const https: FirewallRule = {
      direction: 'ingress',
      protocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      cidrs: ['0.0.0.0/0'],
    };
    await driver.addFirewallRule(firewallId, https);
    expect(rulesOnHetzner().map((r) => `${r.protocol}:${r.port ?? ''}`)).toEqual([
      'tcp:22',
      'tcp:80-85',
      'icmp:',
      'esp:',
      'udp:any',
      'tcp:443',
    ]);
    await expect(driver.addFirewallRule(firewallId, https)).rejects.toMatchObject({ kind: 'conflict' });

    await driver.removeFirewallRule(firewallId, { ...ssh, cidrs: ['::/0', '0.0.0.0/0'] });
    const left = rulesOnHetzner();
    expect(left.map((r) => `${r.protocol}:${r.port ?? ''}`)).toEqual([
      'tcp:80-85',
      'icmp:',
      'esp:',
      'udp:any',
      'tcp:443',
    ]);
    expect(left[1]!.description).toBe('ping');
    await expect(driver.removeFirewallRule(firewallId, ssh)).rejects.toMatchObject({ kind: 'not-found' });
  });

  it('refuses a rule Hetzner cannot hold before sending anything', async () => {
    const before = sim.requestLog.length;
    const every: FirewallRule = {
      direction: 'egress',
      protocol: 'all',
      fromPort: null,
      toPort: null,
      cidrs: ['0.0.0.0/0'],
    };
    await expect(driver.addFirewallRule(firewallId, every)).rejects.toMatchObject({
      kind: 'invalid',
      message: expect.stringMatching(/one rule for each protocol/),
    });
    await expect(
      driver.addFirewallRule(firewallId, { ...ssh, fromPort: 0, toPort: 22 }),
    ).rejects.toMatchObject({
      kind: 'invalid',
      message: expect.stringMatching(/start at 1/),
    });
    expect(sim.requestLog.length).toBe(before);
  });
});
