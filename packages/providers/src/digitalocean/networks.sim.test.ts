// The DigitalOcean driver's VPCs and cloud firewalls against the emulator, through dots-wrapper.

import { type FirewallRule, ProviderError } from '@overcast/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Test-only reach into the emulator package (providers depends on contracts only).
import { type DigitalOceanSim, startDigitalOceanSim } from '../../../cloud-sim/src/digitalocean/index';
import { firewallNetworkDriver, sshFromAnywhere as ssh } from '../common/test-support/network-driver';
import { createDigitalOceanDriver } from './index';

let sim: DigitalOceanSim;
let driver: ReturnType<typeof firewallNetworkDriver>;
let firewallId: string;
const signal = () => new AbortController().signal;
const account = () => sim.account('net');

beforeAll(async () => {
  sim = await startDigitalOceanSim({
    accounts: [{ token: 'net', droplets: 4, namePrefix: 'web' }],
    bootDelayMs: 0,
    actionDelayMs: 0,
  });
  const d = createDigitalOceanDriver({
    credentials: { token: 'net' },
    endpoint: sim.url,
    config: { retryBaseDelayMs: 5, retryMaxDelayMs: 50, perPage: 2 },
  });
  driver = firewallNetworkDriver(d, 'the DigitalOcean driver');
  const droplets = account().listDroplets();
  firewallId = account().net.createFirewall({
    name: 'web-edge',
    inbound_rules: [
      { protocol: 'tcp', ports: '443', sources: { addresses: ['0.0.0.0/0', '::/0'] } },
      { protocol: 'tcp', ports: '5432', sources: { tags: ['db'] } },
    ],
    outbound_rules: [{ protocol: 'tcp', ports: '0', destinations: { addresses: ['0.0.0.0/0'] } }],
    droplet_ids: [droplets[1]!.id],
    tags: ['web'],
  }).id;
});
afterAll(() => sim.close());

describe('DigitalOcean VPCs and firewalls through the emulator', () => {
  it("lists each region's default VPC with its droplets, following member pages", async () => {
    const networks = await driver.listNetworks(signal());
    const droplets = account().listDroplets();
    expect(networks).toHaveLength(4);
    for (const n of networks) {
      expect(n.isDefault).toBe(true);
      expect(n.name).toBe(`default-${n.region}`);
      const here = droplets.filter((d) => d.regionSlug === n.region).map((d) => String(d.id));
      expect(n.machineIds).toEqual(here);
    }
    expect(await driver.listSubnets(signal())).toEqual([]);
    expect(driver.createSubnet).toBeUndefined();
  });

  it('lists a firewall with its rules and the droplets it names or reaches by tag', async () => {
    const [firewall] = await driver.listFirewalls(signal());
    const droplets = account().listDroplets();
    const expected = droplets.filter((d, i) => i === 1 || d.tags.includes('web')).map((d) => String(d.id));
    expect(firewall!.machineIds.sort()).toEqual(expected.sort());
    expect(firewall).toMatchObject({ externalId: firewallId, name: 'web-edge', networkId: null });
    expect(firewall!.rules).toEqual([
      { direction: 'ingress', protocol: 'tcp', fromPort: 443, toPort: 443, cidrs: ['0.0.0.0/0', '::/0'] },
      // A rule whose sources are tags opens to droplets, not to addresses.
      { direction: 'ingress', protocol: 'tcp', fromPort: 5432, toPort: 5432, cidrs: [] },
      { direction: 'egress', protocol: 'tcp', fromPort: 0, toPort: 65535, cidrs: ['0.0.0.0/0'] },
    ]);
  });

  it('adds and removes rules, refusing a duplicate and an every-protocol rule', async () => {
    await driver.addFirewallRule(firewallId, ssh);
    expect(account().net.getFirewall(firewallId).inbound).toContainEqual({
      protocol: 'tcp',
      ports: '22',
      nodes: { addresses: ['0.0.0.0/0'] },
    });
    await expect(driver.addFirewallRule(firewallId, ssh)).rejects.toMatchObject({ kind: 'conflict' });
    await expect(
      driver.addFirewallRule(firewallId, { ...ssh, protocol: 'all', fromPort: null, toPort: null }),
    ).rejects.toMatchObject({
      kind: 'invalid',
    });
    await driver.removeFirewallRule(firewallId, ssh);
    expect(account().net.getFirewall(firewallId).inbound).toHaveLength(2);
    await expect(driver.removeFirewallRule(firewallId, ssh)).rejects.toMatchObject({ kind: 'not-found' });

    const icmpOut: FirewallRule = {
      direction: 'egress',
      protocol: 'icmp',
      fromPort: null,
      toPort: null,
      cidrs: ['10.0.0.0/8'],
    };
    await driver.addFirewallRule(firewallId, icmpOut);
    expect((await driver.listFirewalls(signal()))[0]!.rules).toContainEqual(icmpOut);
    await driver.removeFirewallRule(firewallId, icmpOut);
  });

  it("creates a VPC in a region, refuses what DigitalOcean refuses, and won't delete a default", async () => {
    const made = await driver.createNetwork({ name: 'staging', cidr: '10.50.0.0/20', region: 'fra1' });
    expect(made).toMatchObject({ name: 'staging', cidr: '10.50.0.0/20', region: 'fra1', isDefault: false });

    for (const [spec, words] of [
      [{ name: 'public', cidr: '8.8.0.0/16', region: 'fra1' }, /private range/],
      [{ name: 'huge', cidr: '10.0.0.0/8', region: 'fra1' }, /between a \/16 and a \/28/],
      [{ name: 'again', cidr: '10.50.8.0/24', region: 'fra1' }, /overlaps with the VPC staging/],
      [{ name: 'nowhere', cidr: '10.51.0.0/24', region: null }, /one region/],
    ] as const) {
      const err = await driver.createNetwork(spec).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProviderError);
      expect((err as ProviderError).kind).toBe('invalid');
      expect((err as ProviderError).message).toMatch(words);
    }

    const fallback = (await driver.listNetworks(signal())).find((n) => n.isDefault)!;
    await expect(driver.deleteNetwork(fallback.externalId)).rejects.toMatchObject({ kind: 'invalid' });
    await driver.deleteNetwork(made.externalId);
    expect(account().net.vpcs.has(made.externalId)).toBe(false);
  });
});
