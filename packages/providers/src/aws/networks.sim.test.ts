// The EC2 driver's networks against the emulator: VPCs, subnets, security groups and rules.

import { ProviderError } from '@overcast/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Test-only reach into the emulator package (providers depends on contracts only).
import { EC2_SIM_ACCESS_KEY_ID, type Ec2Sim, startEc2Sim } from '../../../cloud-sim/src/ec2/index';
import {
  firewallNetworkDriver,
  type SubnetFirewallDriver,
  sshFromAnywhere as ssh,
} from '../common/test-support/network-driver';
import { createAwsDriver } from './index';

let sim: Ec2Sim;
/** These drivers make subnets too. */
let driver: SubnetFirewallDriver;
const signal = () => new AbortController().signal;

beforeAll(async () => {
  sim = await startEc2Sim({ seed: { machines: 4, seed: 3 }, regions: ['us-east-1'], transitionMs: 0 });
  const d = createAwsDriver({
    credentials: { accessKeyId: EC2_SIM_ACCESS_KEY_ID, secretAccessKey: 'any' },
    endpoint: sim.url,
    config: { retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 10 } },
  });
  driver = firewallNetworkDriver(d, 'the EC2 driver') as SubnetFirewallDriver;
});
afterAll(() => sim.close());

describe('EC2 networks through the emulator', () => {
  it('lists the default VPC, its subnets and group, with the machines in each', async () => {
    const region = sim.state.regions.get('us-east-1')!;
    const networks = await driver.listNetworks(signal());
    expect(networks).toHaveLength(1);
    const vpc = networks[0]!;
    expect(vpc).toMatchObject({
      externalId: region.vpcId,
      cidr: '172.31.0.0/16',
      isDefault: true,
      region: 'us-east-1',
    });
    const live = [...sim.state.instances.values()].filter((i) => i.state !== 'terminated').map((i) => i.id);
    expect(new Set(vpc.machineIds)).toEqual(new Set(live));

    const subnets = await driver.listSubnets(signal());
    expect(subnets.map((s) => s.networkId).every((n) => n === region.vpcId)).toBe(true);
    expect(subnets.map((s) => s.location).sort()).toEqual(region.zoneNames.sort());
    const placed = [...sim.state.instances.values()].find((i) => i.state !== 'terminated')!;
    expect(subnets.find((s) => s.externalId === placed.subnetId)!.machineIds).toContain(placed.id);

    const firewalls = await driver.listFirewalls(signal());
    const group = firewalls.find((f) => f.externalId === region.defaultSecurityGroup.id)!;
    expect(group).toMatchObject({ name: 'default', networkId: region.vpcId });
    expect(group.rules).toEqual([
      { direction: 'egress', protocol: 'all', fromPort: null, toPort: null, cidrs: ['0.0.0.0/0'] },
    ]);
    expect(new Set(group.machineIds)).toEqual(new Set(live));
  });

  it('creates a VPC and a subnet in it, refuses overlapping ranges, and deletes them', async () => {
    const vpc = await driver.createNetwork({ name: 'staging', cidr: '10.20.0.0/16', region: null });
    expect(vpc).toMatchObject({ name: 'staging', cidr: '10.20.0.0/16', isDefault: false });
    const subnet = await driver.createSubnet({
      networkId: vpc.externalId,
      name: 'web',
      cidr: '10.20.1.0/24',
      location: 'us-east-1b',
    });
    expect(subnet).toMatchObject({ networkId: vpc.externalId, cidr: '10.20.1.0/24', location: 'us-east-1b' });
    await expect(
      driver.createSubnet({ networkId: vpc.externalId, name: 'x', cidr: '10.20.1.128/25', location: null }),
    ).rejects.toThrow(/conflicts/);
    const listed = await driver.listNetworks(signal());
    expect(listed.find((n) => n.externalId === vpc.externalId)?.name).toBe('staging');

    // A VPC with a subnet left in it is refused, in EC2's words.
    const refused = await driver.deleteNetwork(vpc.externalId).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ProviderError);
    expect((refused as ProviderError).message).toMatch(/dependencies/);
    await driver.deleteSubnet(subnet.externalId);
    await driver.deleteNetwork(vpc.externalId);
    expect((await driver.listNetworks(signal())).map((n) => n.externalId)).not.toContain(vpc.externalId);
  });

  it('adds and removes an ingress rule on a security group', async () => {
    const groupId = sim.state.regions.get('us-east-1')!.defaultSecurityGroup.id;
    await driver.addFirewallRule(groupId, ssh);
    await driver.addFirewallRule(groupId, {
      ...ssh,
      fromPort: 3389,
      toPort: 3389,
      cidrs: ['10.0.0.0/8', '::/0'],
    });
    let group = (await driver.listFirewalls(signal())).find((f) => f.externalId === groupId)!;
    expect(group.rules).toContainEqual(ssh);
    expect(group.rules).toContainEqual({
      ...ssh,
      fromPort: 3389,
      toPort: 3389,
      cidrs: ['10.0.0.0/8', '::/0'],
    });
    await expect(driver.addFirewallRule(groupId, ssh)).rejects.toThrow(/already exists/);

    await driver.removeFirewallRule(groupId, ssh);
    group = (await driver.listFirewalls(signal())).find((f) => f.externalId === groupId)!;
    expect(group.rules).not.toContainEqual(ssh);
    await expect(driver.removeFirewallRule(groupId, ssh)).rejects.toThrow(/does not exist/);
    await expect(driver.addFirewallRule('sg-0000000000000dead', ssh)).rejects.toBeInstanceOf(ProviderError);
  });
});
