// VPCs, subnets and security groups: the NetworkDriver part of the EC2 driver.

import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteSubnetCommand,
  DeleteVpcCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  type IpPermission,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
  type SecurityGroup,
  type Subnet,
  type Vpc,
} from '@aws-sdk/client-ec2';
import {
  type CreateNetworkSpec,
  type CreateSubnetSpec,
  type FirewallDriver,
  type FirewallProtocol,
  type FirewallRule,
  type NetworkDriver,
  ProviderError,
  type RemoteFirewall,
  type RemoteNetwork,
  type RemoteSubnet,
} from '@overcast/contracts';
import type { Ec2Api } from './api';
import type { AwsDriverConfig } from './config';
import { instancePages } from './instance-pages';
import { tagsToRecord } from './map-machine';
import { mapLimit } from './pages';
import type { RegionDirectory } from './regions';

/** Where one live instance sits. */
interface Placement {
  id: string;
  vpcId?: string;
  subnetId?: string;
  groupIds: string[];
}

const LIVE_STATES = ['pending', 'running', 'shutting-down', 'stopping', 'stopped'];

const ids = (placements: Placement[], has: (p: Placement) => boolean) =>
  placements.filter(has).map((p) => p.id);

function fromPermission(direction: FirewallRule['direction'], p: IpPermission): FirewallRule {
  const raw = (p.IpProtocol ?? '-1').toLowerCase();
  const protocol: FirewallProtocol =
    raw === 'tcp' || raw === '6'
      ? 'tcp'
      : raw === 'udp' || raw === '17'
        ? 'udp'
        : raw === 'icmp' || raw === '1'
          ? 'icmp'
          : 'all';
  const ported = protocol === 'tcp' || protocol === 'udp';
  return {
    direction,
    protocol,
    fromPort: ported ? (p.FromPort ?? null) : null,
    toPort: ported ? (p.ToPort ?? null) : null,
    cidrs: [
      ...(p.IpRanges ?? []).map((r) => r.CidrIp).filter((c): c is string => !!c),
      ...(p.Ipv6Ranges ?? []).map((r) => r.CidrIpv6).filter((c): c is string => !!c),
    ],
  };
}

function toPermission(rule: FirewallRule): IpPermission {
  const v6 = rule.cidrs.filter((c) => c.includes(':'));
  const v4 = rule.cidrs.filter((c) => !c.includes(':'));
  const ported = rule.protocol === 'tcp' || rule.protocol === 'udp';
  return {
    IpProtocol: rule.protocol === 'all' ? '-1' : rule.protocol,
    // EC2 wants a range for tcp/udp: "every port" is 0-65535.
    FromPort: ported ? (rule.fromPort ?? 0) : rule.protocol === 'icmp' ? -1 : undefined,
    ToPort: ported ? (rule.toPort ?? 65535) : rule.protocol === 'icmp' ? -1 : undefined,
    IpRanges: v4.length ? v4.map((CidrIp) => ({ CidrIp })) : undefined,
    Ipv6Ranges: v6.length ? v6.map((CidrIpv6) => ({ CidrIpv6 })) : undefined,
  };
}

const nameOf = (tags: Record<string, string>, fallback: string) => tags.Name || fallback;

export class AwsNetworks implements NetworkDriver, FirewallDriver {
  constructor(
    private readonly api: Ec2Api,
    private readonly directory: RegionDirectory,
    private readonly config: AwsDriverConfig,
  ) {}

  /** Runs `fn` in every region the driver works in, results in region order. */
  private async perRegion<T>(signal: AbortSignal, fn: (region: string) => Promise<T[]>): Promise<T[]> {
    const regions = await this.directory.regions(signal);
    return (await mapLimit(regions, this.config.concurrency, fn)).flat();
  }

  private async placements(region: string, signal: AbortSignal): Promise<Placement[]> {
    const out: Placement[] = [];
    const live = [{ Name: 'instance-state-name', Values: LIVE_STATES }];
    const pages = instancePages(this.api, region, this.config.pageSize.instances, live, signal);
    for await (const [i] of pages) {
      if (!i.InstanceId) continue;
      out.push({
        id: i.InstanceId,
        vpcId: i.VpcId,
        subnetId: i.SubnetId,
        groupIds: (i.SecurityGroups ?? []).map((g) => g.GroupId).filter((g): g is string => !!g),
      });
    }
    return out;
  }

  private toNetwork(vpc: Vpc, region: string, placements: Placement[]): RemoteNetwork {
    const tags = tagsToRecord(vpc.Tags);
    const id = vpc.VpcId ?? '';
    this.directory.remember(id, region);
    return {
      externalId: id,
      name: nameOf(tags, id),
      cidr: vpc.CidrBlock ?? null,
      region,
      isDefault: vpc.IsDefault ?? false,
      machineIds: ids(placements, (p) => p.vpcId === id),
      tags,
      extra: { state: vpc.State, instanceTenancy: vpc.InstanceTenancy },
    };
  }

  private toSubnet(subnet: Subnet, region: string, placements: Placement[]): RemoteSubnet {
    const tags = tagsToRecord(subnet.Tags);
    const id = subnet.SubnetId ?? '';
    this.directory.remember(id, region);
    return {
      externalId: id,
      networkId: subnet.VpcId ?? '',
      name: nameOf(tags, id),
      cidr: subnet.CidrBlock ?? '',
      location: subnet.AvailabilityZone ?? region,
      machineIds: ids(placements, (p) => p.subnetId === id),
      extra: {
        availableIpAddressCount: subnet.AvailableIpAddressCount,
        defaultForAz: subnet.DefaultForAz,
      },
    };
  }

  private toFirewall(group: SecurityGroup, region: string, placements: Placement[]): RemoteFirewall {
    const id = group.GroupId ?? '';
    this.directory.remember(id, region);
    return {
      externalId: id,
      name: group.GroupName ?? id,
      description: group.Description ?? '',
      networkId: group.VpcId || null,
      rules: [
        ...(group.IpPermissions ?? []).map((p) => fromPermission('ingress', p)),
        ...(group.IpPermissionsEgress ?? []).map((p) => fromPermission('egress', p)),
      ],
      machineIds: ids(placements, (p) => p.groupIds.includes(id)),
      extra: { region },
    };
  }

  listNetworks(signal: AbortSignal): Promise<RemoteNetwork[]> {
    return this.perRegion(signal, async (region) => {
      const [out, placements] = await Promise.all([
        this.api.call(region, (c, o) => c.send(new DescribeVpcsCommand({}), o), signal),
        this.placements(region, signal),
      ]);
      return (out.Vpcs ?? []).map((v) => this.toNetwork(v, region, placements));
    });
  }

  listSubnets(signal: AbortSignal): Promise<RemoteSubnet[]> {
    return this.perRegion(signal, async (region) => {
      const [out, placements] = await Promise.all([
        this.api.call(region, (c, o) => c.send(new DescribeSubnetsCommand({}), o), signal),
        this.placements(region, signal),
      ]);
      return (out.Subnets ?? []).map((s) => this.toSubnet(s, region, placements));
    });
  }

  listFirewalls(signal: AbortSignal): Promise<RemoteFirewall[]> {
    return this.perRegion(signal, async (region) => {
      const [out, placements] = await Promise.all([
        this.api.call(region, (c, o) => c.send(new DescribeSecurityGroupsCommand({}), o), signal),
        this.placements(region, signal),
      ]);
      return (out.SecurityGroups ?? []).map((g) => this.toFirewall(g, region, placements));
    });
  }

  private async regionFor(location: string | null): Promise<{ region: string; zone?: string }> {
    if (!location) return { region: this.config.defaultRegion };
    return this.directory.regionOfLocation(location);
  }

  async createNetwork(spec: CreateNetworkSpec): Promise<RemoteNetwork> {
    const { region } = await this.regionFor(spec.region);
    const out = await this.api.call(region, (c, o) =>
      c.send(
        new CreateVpcCommand({
          CidrBlock: spec.cidr,
          TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'Name', Value: spec.name }] }],
        }),
        o,
      ),
    );
    if (!out.Vpc?.VpcId) throw new ProviderError('unavailable', 'CreateVpc answered without a VPC id');
    const network = this.toNetwork(out.Vpc, region, []);
    // Some EC2-compatible clouds leave tags out of the answer.
    network.name = spec.name;
    return network;
  }

  async deleteNetwork(externalId: string): Promise<void> {
    const region = await this.regionOf(externalId, 'vpc');
    await this.api.call(region, (c, o) => c.send(new DeleteVpcCommand({ VpcId: externalId }), o));
  }

  async createSubnet(spec: CreateSubnetSpec): Promise<RemoteSubnet> {
    const region = await this.regionOf(spec.networkId, 'vpc');
    const zone = spec.location ? (await this.directory.regionOfLocation(spec.location)).zone : undefined;
    const out = await this.api.call(region, (c, o) =>
      c.send(
        new CreateSubnetCommand({
          VpcId: spec.networkId,
          CidrBlock: spec.cidr,
          AvailabilityZone: zone,
          TagSpecifications: [{ ResourceType: 'subnet', Tags: [{ Key: 'Name', Value: spec.name }] }],
        }),
        o,
      ),
    );
    if (!out.Subnet?.SubnetId)
      throw new ProviderError('unavailable', 'CreateSubnet answered without a subnet id');
    const subnet = this.toSubnet(out.Subnet, region, []);
    subnet.name = spec.name;
    return subnet;
  }

  async deleteSubnet(externalId: string): Promise<void> {
    const region = await this.regionOf(externalId, 'subnet');
    await this.api.call(region, (c, o) => c.send(new DeleteSubnetCommand({ SubnetId: externalId }), o));
  }

  async addFirewallRule(firewallId: string, rule: FirewallRule): Promise<void> {
    const region = await this.regionOf(firewallId, 'security group');
    const input = { GroupId: firewallId, IpPermissions: [toPermission(rule)] };
    await this.api.call(region, (c, o) =>
      rule.direction === 'ingress'
        ? c.send(new AuthorizeSecurityGroupIngressCommand(input), o)
        : c.send(new AuthorizeSecurityGroupEgressCommand(input), o),
    );
  }

  async removeFirewallRule(firewallId: string, rule: FirewallRule): Promise<void> {
    const region = await this.regionOf(firewallId, 'security group');
    const input = { GroupId: firewallId, IpPermissions: [toPermission(rule)] };
    await this.api.call(region, (c, o) =>
      rule.direction === 'ingress'
        ? c.send(new RevokeSecurityGroupIngressCommand(input), o)
        : c.send(new RevokeSecurityGroupEgressCommand(input), o),
    );
  }

  /** EC2 ids carry no region: asked in every region when not seen in a listing. */
  private regionOf(id: string, noun: string): Promise<string> {
    return this.directory.locate(id, noun, async (region) => {
      const command =
        noun === 'vpc'
          ? new DescribeVpcsCommand({ VpcIds: [id] })
          : noun === 'subnet'
            ? new DescribeSubnetsCommand({ SubnetIds: [id] })
            : new DescribeSecurityGroupsCommand({ GroupIds: [id] });
      // biome-ignore lint/suspicious/noExplicitAny: three Describe commands, each answered with a list or not-found.
      await this.api.call(region, (c, o) => c.send(command as any, o));
      return true;
    });
  }
}
