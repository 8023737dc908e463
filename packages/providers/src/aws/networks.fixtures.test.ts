// The EC2 driver's networks against responses recorded by Apache Libcloud, through the real SDK.

import { afterEach, describe, expect, it } from 'vitest';
import { firewallNetworkDriver } from '../common/test-support/network-driver';
import { createAwsDriver } from './index';
import { type Answer, type FixtureServer, startFixtureServer } from './test-support/fixture-server';

let server: FixtureServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function driverFor(routes: Record<string, Answer | Answer[]>) {
  server = await startFixtureServer(routes);
  const d = createAwsDriver({
    credentials: { accessKeyId: 'AKIDFIXTURE', secretAccessKey: 'secret' },
    endpoint: server.url,
    config: { regions: ['us-east-1'], retry: { attempts: 1 } },
  });
  return firewallNetworkDriver(d, 'the EC2 driver');
}

const signal = () => new AbortController().signal;

describe('recorded EC2 network responses through the driver', () => {
  it('reads describe_vpcs.xml, naming a VPC by its Name tag', async () => {
    const driver = await driverFor({
      DescribeVpcs: { file: 'describe_vpcs.xml' },
      DescribeInstances: { file: 'describe_instances.xml' },
    });
    const networks = await driver.listNetworks(signal());
    expect(networks.map((n) => [n.externalId, n.name, n.cidr, n.isDefault])).toEqual([
      ['vpc-532335e1', 'vpc-532335e1', '192.168.51.0/24', false],
      ['vpc-62ded30e', 'Test VPC', '192.168.52.0/24', false],
    ]);
  });

  it('reads describe_subnets.xml with zones and VPCs', async () => {
    const driver = await driverFor({
      DescribeSubnets: { file: 'describe_subnets.xml' },
      DescribeInstances: { file: 'describe_instances.xml' },
    });
    const subnets = await driver.listSubnets(signal());
    expect(subnets[0]).toMatchObject({
      externalId: 'subnet-ce0e7ce5',
      networkId: 'vpc-532135d1',
      name: 'Test Subnet 1',
      cidr: '192.168.51.0/25',
      location: 'us-east-1a',
    });
  });

  it('reads describe_security_groups.xml rules: ports, sources, rules naming other groups', async () => {
    const driver = await driverFor({
      DescribeSecurityGroups: { file: 'describe_security_groups.xml' },
      DescribeInstances: { file: 'describe_instances.xml' },
    });
    const [web, ranged] = await driver.listFirewalls(signal());
    expect(web).toMatchObject({ externalId: 'sg-443d0a12', name: 'WebServers', networkId: null });
    expect(web!.rules).toEqual([
      { direction: 'ingress', protocol: 'tcp', fromPort: 80, toPort: 80, cidrs: ['0.0.0.0/0'] },
    ]);
    // A rule whose source is another group has no CIDR: kept, with no address range.
    expect(ranged!.rules).toEqual([
      { direction: 'ingress', protocol: 'tcp', fromPort: 6000, toPort: 7000, cidrs: [] },
    ]);
  });

  it('sends a rule as IpPermissions to AuthorizeSecurityGroupIngress', async () => {
    const driver = await driverFor({
      DescribeSecurityGroups: { file: 'describe_security_groups.xml' },
      AuthorizeSecurityGroupIngress: { file: 'authorize_security_group_ingress.xml' },
    });
    await driver.addFirewallRule('sg-443d0a12', {
      direction: 'ingress',
      protocol: 'tcp',
      fromPort: 22,
      toPort: 22,
      cidrs: ['203.0.113.0/24'],
    });
    const [sent] = server!.seen('AuthorizeSecurityGroupIngress');
    expect(sent!.params.get('GroupId')).toBe('sg-443d0a12');
    expect(sent!.params.get('IpPermissions.1.IpProtocol')).toBe('tcp');
    expect(sent!.params.get('IpPermissions.1.FromPort')).toBe('22');
    expect(sent!.params.get('IpPermissions.1.ToPort')).toBe('22');
    expect(sent!.params.get('IpPermissions.1.IpRanges.1.CidrIp')).toBe('203.0.113.0/24');
  });
});
