// Neutron's view of one project in one region: networks, their subnets, security groups with
// their rules, and the ports that tie servers to networks and security groups. Every server has
// a port on the project's `private` network (in the `default` security group) from the moment
// Nova lists it, and leaves its ports when deleted. Refusals are Neutron's: NetworkInUse and
// SubnetInUse while servers hold ports, overlapping subnets, SecurityGroupRuleExists.

import { randomUUID } from 'node:crypto';
import { addressBlock } from '../common/addresses';
import { addressIn, overlaps, readV4Cidr, type V4Range } from '../common/cidr';
import { isObject, isoSeconds } from '../common/token-api';
import { OsError } from './errors';

/** Neutron's error: `{ NeutronError: { type, message, detail } }`. */
export class NeutronError extends OsError {
  constructor(status: number, type: string, message: string) {
    super(status, type, message);
  }

  override body(): unknown {
    return { NeutronError: { type: this.fault, message: this.message, detail: '' } };
  }
}

const invalid = (message: string) =>
  new NeutronError(400, 'InvalidInput', `Invalid input for operation: ${message}`);

export interface SimNeutronNetwork {
  id: string;
  name: string;
  created: string;
}

export interface SimNeutronSubnet {
  id: string;
  networkId: string;
  name: string;
  cidr: string;
  ipVersion: 4 | 6;
  gateway: string | null;
  created: string;
  /** Addresses handed out so far, for the next port's. */
  handedOut: number;
}

export interface SimNeutronRule {
  id: string;
  securityGroupId: string;
  direction: 'ingress' | 'egress';
  ethertype: 'IPv4' | 'IPv6';
  protocol: string | null;
  portMin: number | null;
  portMax: number | null;
  remoteIpPrefix: string | null;
  remoteGroupId: string | null;
  description: string;
}

export interface SimNeutronSecurityGroup {
  id: string;
  name: string;
  description: string;
  rules: SimNeutronRule[];
}

export interface SimNeutronPort {
  id: string;
  networkId: string;
  deviceId: string;
  deviceOwner: string;
  fixedIps: Array<{ subnetId: string; ip: string }>;
  securityGroups: string[];
  mac: string;
}

/** What Neutron needs of Nova: the region's servers and their fixed addresses. */
export interface NeutronHost {
  servers(): Array<{ id: string; fixedIp: string; zone: string }>;
}

const PROTOCOLS = ['tcp', 'udp', 'icmp', 'icmpv6', 'gre', 'esp', 'ah', 'sctp', 'vrrp'];
const PORTED = new Set(['tcp', 'udp', 'sctp']);
const now = () => isoSeconds(Date.now());

function readPort(value: unknown, field: string): number | null {
  if (value === undefined || value === null) return null;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 65535)
    throw invalid(`'${String(value)}' is not a valid port number for ${field}.`);
  return n;
}

/** An IPv4 or IPv6 CIDR as Neutron accepts it, with its family. */
function readCidr(value: unknown): { cidr: string; version: 4 | 6 } {
  if (typeof value === 'string') {
    if (readV4Cidr(value)) return { cidr: value, version: 4 };
    if (/^[0-9a-f:]{2,39}\/\d{1,3}$/i.test(value) && Number(value.split('/')[1]) <= 128)
      return { cidr: value, version: 6 };
  }
  throw invalid(`'${String(value)}' is not a valid IP subnet.`);
}

export class OsNeutron {
  readonly networks = new Map<string, SimNeutronNetwork>();
  readonly subnets = new Map<string, SimNeutronSubnet>();
  readonly securityGroups = new Map<string, SimNeutronSecurityGroup>();
  private readonly portMap = new Map<string, SimNeutronPort>();
  /** The network and subnet every server is on, and the group its port starts in. */
  readonly privateNetwork: SimNeutronNetwork;
  private readonly privateSubnet: SimNeutronSubnet;
  readonly defaultGroup: SimNeutronSecurityGroup;

  constructor(private readonly host: NeutronHost) {
    this.privateNetwork = this.createNetwork({ network: { name: 'private' } });
    const [first] = addressBlock('openstack', 'private');
    // The block the servers' fixed addresses come from (common/addresses.ts): all loopback.
    this.privateSubnet = this.createSubnet({
      subnet: {
        network_id: this.privateNetwork.id,
        name: 'private-subnet',
        cidr: `127.${first}.0.0/13`,
        ip_version: 4,
      },
    });
    this.defaultGroup = this.createSecurityGroup('default', 'Default security group');
    for (const ethertype of ['IPv4', 'IPv6'] as const) {
      this.addRule({ security_group_id: this.defaultGroup.id, direction: 'egress', ethertype });
      this.addRule(
        { security_group_id: this.defaultGroup.id, direction: 'ingress', ethertype },
        this.defaultGroup.id,
      );
    }
  }

  network(id: string): SimNeutronNetwork {
    const network = this.networks.get(id);
    if (!network) throw new NeutronError(404, 'NetworkNotFound', `Network ${id} could not be found.`);
    return network;
  }

  subnet(id: string): SimNeutronSubnet {
    const subnet = this.subnets.get(id);
    if (!subnet) throw new NeutronError(404, 'SubnetNotFound', `Subnet ${id} could not be found.`);
    return subnet;
  }

  securityGroup(id: string): SimNeutronSecurityGroup {
    const group = this.securityGroups.get(id);
    if (!group) throw new NeutronError(404, 'SecurityGroupNotFound', `Security group ${id} does not exist`);
    return group;
  }

  /** The ports, with one on the private network for each server Nova has and none for those it has not. */
  ports(): SimNeutronPort[] {
    const servers = this.host.servers();
    const live = new Set(servers.map((s) => s.id));
    for (const [id, port] of this.portMap)
      if (port.deviceOwner.startsWith('compute:') && !live.has(port.deviceId)) this.portMap.delete(id);
    const plugged = new Set(
      [...this.portMap.values()].filter((p) => p.networkId === this.privateNetwork.id).map((p) => p.deviceId),
    );
    for (const s of servers) {
      if (plugged.has(s.id)) continue;
      this.addPort(this.privateNetwork.id, s.id, `compute:${s.zone}`, {
        subnetId: this.privateSubnet.id,
        ip: s.fixedIp,
      });
    }
    return [...this.portMap.values()];
  }

  private addPort(
    networkId: string,
    deviceId: string,
    owner: string,
    fixedIp: { subnetId: string; ip: string },
  ) {
    const id = randomUUID();
    const port: SimNeutronPort = {
      id,
      networkId,
      deviceId,
      deviceOwner: owner,
      fixedIps: [fixedIp],
      securityGroups: [this.defaultGroup.id],
      mac: `fa:16:3e:${id.slice(0, 6).replace(/(..)(?!$)/g, '$1:')}`,
    };
    this.portMap.set(id, port);
    return port;
  }

  port(id: string): SimNeutronPort {
    const port = this.ports().find((p) => p.id === id);
    if (!port) throw new NeutronError(404, 'PortNotFound', `Port ${id} could not be found.`);
    return port;
  }

  /** A server joins another network, as Nova's interface attach does: a port in its first subnet. */
  plug(serverId: string, networkId: string): SimNeutronPort {
    this.network(networkId);
    const subnet = [...this.subnets.values()].find((s) => s.networkId === networkId && s.ipVersion === 4);
    if (!subnet)
      throw new NeutronError(
        400,
        'IpAddressGenerationFailure',
        `No more IP addresses available on network ${networkId}.`,
      );
    const ip = addressIn(readV4Cidr(subnet.cidr) as V4Range, 10 + subnet.handedOut++);
    const zone = this.host.servers().find((s) => s.id === serverId)?.zone ?? 'nova';
    return this.addPort(networkId, serverId, `compute:${zone}`, { subnetId: subnet.id, ip });
  }

  /** PUT /v2.0/ports/{id}: the port's security groups. */
  updatePort(id: string, body: unknown): SimNeutronPort {
    const port = this.port(id);
    const change = isObject(body) ? body.port : undefined;
    if (!isObject(change)) throw invalid('Resource body required.');
    if (change.security_groups !== undefined) {
      if (!Array.isArray(change.security_groups)) throw invalid('security_groups must be a list.');
      for (const g of change.security_groups) this.securityGroup(String(g));
      port.securityGroups = change.security_groups.map(String);
    }
    return port;
  }

  createNetwork(body: unknown): SimNeutronNetwork {
    const network = isObject(body) ? body.network : undefined;
    if (!isObject(network)) throw invalid('Resource body required.');
    const name = network.name ?? '';
    if (typeof name !== 'string' || name.length > 255)
      throw invalid(`'${String(name)}' is not a valid string.`);
    const made = { id: randomUUID(), name, created: now() };
    this.networks.set(made.id, made);
    return made;
  }

  private computePorts(match: (p: SimNeutronPort) => boolean) {
    return this.ports().filter((p) => p.deviceOwner.startsWith('compute:') && match(p));
  }

  /** A network goes with its subnets, unless a server still has a port on it. */
  deleteNetwork(id: string): void {
    this.network(id);
    if (this.computePorts((p) => p.networkId === id).length > 0)
      throw new NeutronError(
        409,
        'NetworkInUse',
        `Unable to complete operation on network ${id}. There are one or more ports still in use on the network.`,
      );
    for (const s of this.subnets.values()) if (s.networkId === id) this.subnets.delete(s.id);
    this.networks.delete(id);
  }

  createSubnet(body: unknown): SimNeutronSubnet {
    const subnet = isObject(body) ? body.subnet : undefined;
    if (!isObject(subnet)) throw invalid('Resource body required.');
    if (typeof subnet.network_id !== 'string') throw invalid("'network_id' is a required attribute.");
    const network = this.network(subnet.network_id);
    const { cidr, version } = readCidr(subnet.cidr);
    if (subnet.ip_version !== version)
      throw invalid(
        `Requested subnet with cidr: ${cidr} does not match ip_version ${String(subnet.ip_version)}.`,
      );
    const name = subnet.name ?? '';
    if (typeof name !== 'string' || name.length > 255)
      throw invalid(`'${String(name)}' is not a valid string.`);
    let gateway: string | null = null;
    if (version === 4) {
      const range = readV4Cidr(cidr) as V4Range & { aligned: boolean };
      if (!range.aligned) {
        const base = range.base - (range.base % 2 ** (32 - range.bits));
        throw invalid(
          `'${cidr}' isn't a recommended CIDR, use '${addressIn({ ...range, base }, 0)}/${range.bits}' instead.`,
        );
      }
      for (const other of this.subnets.values()) {
        const o = other.networkId === network.id && other.ipVersion === 4 ? readV4Cidr(other.cidr) : null;
        if (o && overlaps(range, o))
          throw invalid(
            `Requested subnet with cidr: ${cidr} for network: ${network.id} overlaps with another subnet.`,
          );
      }
      gateway = addressIn(range, 1);
    }
    const made: SimNeutronSubnet = {
      id: randomUUID(),
      networkId: network.id,
      name,
      cidr,
      ipVersion: version,
      gateway,
      created: now(),
      handedOut: 0,
    };
    this.subnets.set(made.id, made);
    return made;
  }

  deleteSubnet(id: string): void {
    this.subnet(id);
    if (this.computePorts((p) => p.fixedIps.some((f) => f.subnetId === id)).length > 0)
      throw new NeutronError(
        409,
        'SubnetInUse',
        `Unable to complete operation on subnet ${id}: One or more ports have an IP allocation from this subnet.`,
      );
    this.subnets.delete(id);
  }

  createSecurityGroup(name: string, description: string): SimNeutronSecurityGroup {
    const group = { id: randomUUID(), name, description, rules: [] };
    this.securityGroups.set(group.id, group);
    return group;
  }

  /** The rules of every group, for GET /v2.0/security-group-rules. */
  rules(): SimNeutronRule[] {
    return [...this.securityGroups.values()].flatMap((g) => g.rules);
  }

  addRule(raw: unknown, remoteGroupId: string | null = null): SimNeutronRule {
    if (!isObject(raw)) throw invalid('Resource body required.');
    if (typeof raw.security_group_id !== 'string')
      throw invalid("'security_group_id' is a required attribute.");
    const group = this.securityGroup(raw.security_group_id);
    const direction = raw.direction;
    if (direction !== 'ingress' && direction !== 'egress')
      throw invalid(
        `Invalid input for direction. Reason: '${String(direction)}' is not in ['ingress', 'egress'].`,
      );
    const ethertype = raw.ethertype ?? 'IPv4';
    if (ethertype !== 'IPv4' && ethertype !== 'IPv6')
      throw invalid(
        `Invalid input for ethertype. Reason: '${String(ethertype)}' is not in ['IPv4', 'IPv6'].`,
      );
    const protocol =
      raw.protocol === undefined || raw.protocol === null ? null : String(raw.protocol).toLowerCase();
    if (protocol !== null && !PROTOCOLS.includes(protocol) && !/^\d{1,3}$/.test(protocol))
      throw new NeutronError(
        400,
        'SecurityGroupRuleInvalidProtocol',
        `Security group rule protocol ${protocol} not supported. Only protocol values [None, ${PROTOCOLS.map((p) => `'${p}'`).join(', ')}] and integer representations [0 to 255] are supported.`,
      );
    const portMin = readPort(raw.port_range_min, 'port_range_min');
    const portMax = readPort(raw.port_range_max, 'port_range_max');
    if ((portMin !== null || portMax !== null) && protocol === null)
      throw new NeutronError(
        400,
        'SecurityGroupProtocolRequiredWithPorts',
        'Must also specify protocol if port range is given.',
      );
    if (
      protocol !== null &&
      PORTED.has(protocol) &&
      portMin !== null &&
      (portMax === null || portMin > portMax || portMin < 1)
    )
      throw new NeutronError(
        400,
        'SecurityGroupInvalidPortRange',
        'For TCP/UDP protocols, port_range_min must be <= port_range_max',
      );
    let remoteIpPrefix: string | null = null;
    if (raw.remote_ip_prefix !== undefined && raw.remote_ip_prefix !== null) {
      const { cidr, version } = readCidr(raw.remote_ip_prefix);
      if ((version === 4) !== (ethertype === 'IPv4'))
        throw new NeutronError(
          400,
          'SecurityGroupRuleParameterConflict',
          `Conflicting value ethertype ${ethertype} for CIDR ${cidr}`,
        );
      remoteIpPrefix = cidr;
    }
    const rule: SimNeutronRule = {
      id: randomUUID(),
      securityGroupId: group.id,
      direction,
      ethertype,
      protocol,
      portMin,
      portMax,
      remoteIpPrefix,
      remoteGroupId,
      description: typeof raw.description === 'string' ? raw.description : '',
    };
    const same = group.rules.find(
      (r) =>
        r.direction === rule.direction &&
        r.ethertype === rule.ethertype &&
        r.protocol === rule.protocol &&
        r.portMin === rule.portMin &&
        r.portMax === rule.portMax &&
        r.remoteIpPrefix === rule.remoteIpPrefix &&
        r.remoteGroupId === rule.remoteGroupId,
    );
    if (same)
      throw new NeutronError(
        409,
        'SecurityGroupRuleExists',
        `Security group rule already exists. Rule id is ${same.id}.`,
      );
    group.rules.push(rule);
    return rule;
  }

  deleteRule(id: string): void {
    const group = [...this.securityGroups.values()].find((g) => g.rules.some((r) => r.id === id));
    if (!group)
      throw new NeutronError(404, 'SecurityGroupRuleNotFound', `Security group rule ${id} does not exist`);
    group.rules = group.rules.filter((r) => r.id !== id);
  }
}
