// VPC networks, subnetworks and firewall rules of one project, with the checks Compute Engine
// makes: names, subnet ranges inside no other subnet of the network, protocols and ports of
// rules, and nothing deleted while something still uses it.

import { addressIn, overlaps, readV4Cidr, type V4Range } from '../common/cidr';
import { alreadyExists, badRequest, type GceApiError, invalidField, notFound } from './errors';
import type { IdSource } from './ids';
import { lastSegment, resourcePath } from './links';
import { gceTime } from './model';
import { isObject, readInt, requireName } from './validate';

export interface SimNetwork {
  id: string;
  name: string;
  description: string;
  /** Auto mode: one subnetwork per region, made with the network. */
  autoCreateSubnetworks: boolean;
  routingMode: 'REGIONAL' | 'GLOBAL';
  mtu: number;
  creationTimestamp: string;
}

export interface SimSubnetwork {
  id: string;
  name: string;
  region: string;
  network: string;
  ipCidrRange: string;
  gatewayAddress: string;
  description: string;
  /** Made by an auto-mode network; goes when the network goes. */
  auto: boolean;
  creationTimestamp: string;
}

export interface SimFirewallEntry {
  IPProtocol: string;
  ports?: string[];
}

export interface SimFirewall {
  id: string;
  name: string;
  network: string;
  description: string;
  priority: number;
  direction: 'INGRESS' | 'EGRESS';
  sourceRanges: string[];
  destinationRanges: string[];
  sourceTags: string[];
  targetTags: string[];
  allowed: SimFirewallEntry[];
  denied: SimFirewallEntry[];
  disabled: boolean;
  creationTimestamp: string;
}

/** The /20 an auto-mode network gets in a region: 10.128.0.0/20, 10.132.0.0/20, ... */
const autoRange = (index: number) => `10.${128 + 4 * index}.0.0/20`;
const AUTO_BLOCK = '10.128.0.0/9';

const PORT_PROTOCOLS = new Set(['tcp', 'udp', 'sctp']);
const PROTOCOLS = new Set(['tcp', 'udp', 'icmp', 'esp', 'ah', 'sctp', 'ipip', 'all']);
const V6_CIDR = /^[0-9a-f:]{2,39}\/\d{1,3}$/i;

function readStrings(value: unknown, field: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw invalidField(field, "''. Must be a list of strings.");
  }
  return value as string[];
}

function readRanges(value: unknown, field: string): string[] {
  const ranges = readStrings(value, field);
  ranges.forEach((r, i) => {
    const v4 = readV4Cidr(r.includes('/') ? r : `${r}/32`);
    if (!(v4?.aligned || V6_CIDR.test(r))) {
      throw invalidField(`${field}[${i}]`, `'${r}'. Must be a valid IPV4 or IPV6 CIDR address range.`);
    }
  });
  return ranges;
}

function readPort(text: string, field: string): void {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text);
  const from = m ? Number(m[1]) : -1;
  const to = m?.[2] ? Number(m[2]) : from;
  if (!m || from > 65535 || to > 65535 || to < from) {
    throw invalidField(field, `'${text}'. Invalid port specification.`);
  }
}

function readEntries(value: unknown, field: string): SimFirewallEntry[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidField(field, "''. Must be a list.");
  return value.map((entry, i) => {
    const at = `${field}[${i}]`;
    if (!isObject(entry)) throw invalidField(at, "''. Must be an object.");
    const protocol = typeof entry.IPProtocol === 'string' ? entry.IPProtocol.toLowerCase() : '';
    if (!PROTOCOLS.has(protocol) && !/^\d{1,3}$/.test(protocol)) {
      throw invalidField(
        `${at}.IPProtocol`,
        `'${String(entry.IPProtocol ?? '')}'. Invalid IP protocol specification.`,
      );
    }
    const ports = readStrings(entry.ports, `${at}.ports`);
    ports.forEach((p, j) => {
      if (!PORT_PROTOCOLS.has(protocol)) {
        throw invalidField(
          `${at}.ports[${j}]`,
          `'${p}'. Ports may only be specified for the 'tcp', 'udp', 'sctp' protocols.`,
        );
      }
      readPort(p, `${at}.ports[${j}]`);
    });
    return ports.length ? { IPProtocol: protocol, ports } : { IPProtocol: protocol };
  });
}

export class GceNetworks {
  readonly networks = new Map<string, SimNetwork>();
  /** By region/name. */
  readonly subnetworks = new Map<string, SimSubnetwork>();
  readonly firewalls = new Map<string, SimFirewall>();

  constructor(
    private readonly project: string,
    readonly regions: readonly string[],
    private readonly ids: IdSource,
  ) {}

  networkPath = (name: string) => `projects/${this.project}/global/networks/${name}`;
  subnetworkPath = (region: string, name: string) =>
    `projects/${this.project}/regions/${region}/subnetworks/${name}`;
  firewallPath = (name: string) => `projects/${this.project}/global/firewalls/${name}`;

  /** The default network every project starts with, and its four default rules. */
  seedDefault(): void {
    this.insertNetwork({
      name: 'default',
      autoCreateSubnetworks: true,
      description: 'Default network for the project',
    });
    const rule = (name: string, allowed: SimFirewallEntry[], sourceRanges: string[], priority = 65534) =>
      this.insertFirewall({ name, network: 'global/networks/default', allowed, sourceRanges, priority });
    rule(
      'default-allow-internal',
      [
        { IPProtocol: 'tcp', ports: ['0-65535'] },
        { IPProtocol: 'udp', ports: ['0-65535'] },
        { IPProtocol: 'icmp' },
      ],
      [AUTO_BLOCK],
    );
    rule('default-allow-ssh', [{ IPProtocol: 'tcp', ports: ['22'] }], ['0.0.0.0/0']);
    rule('default-allow-rdp', [{ IPProtocol: 'tcp', ports: ['3389'] }], ['0.0.0.0/0']);
    rule('default-allow-icmp', [{ IPProtocol: 'icmp' }], ['0.0.0.0/0']);
  }

  requireRegion(region: string): void {
    if (!this.regions.includes(region)) throw notFound(`projects/${this.project}/regions/${region}`);
  }

  getNetwork(name: string): SimNetwork {
    const found = this.networks.get(name);
    if (!found) throw notFound(this.networkPath(name));
    return found;
  }

  getSubnetwork(region: string, name: string): SimSubnetwork {
    this.requireRegion(region);
    const found = this.subnetworks.get(`${region}/${name}`);
    if (!found) throw notFound(this.subnetworkPath(region, name));
    return found;
  }

  getFirewall(name: string): SimFirewall {
    const found = this.firewalls.get(name);
    if (!found) throw notFound(this.firewallPath(name));
    return found;
  }

  /** A `network` field (full URL, partial path or name) naming an existing network. */
  private networkRef(value: unknown, field: string): SimNetwork {
    const name = lastSegment(value);
    const path = resourcePath(value) ?? '';
    const found = name ? this.networks.get(name) : undefined;
    if (!found || (path.includes('/') && !path.endsWith(`global/networks/${name}`))) {
      throw invalidField(field, `'${path}'. The referenced network resource cannot be found.`);
    }
    return found;
  }

  private requireNew(path: string, taken: boolean): void {
    if (taken) throw alreadyExists(path);
  }

  // ---- networks ---------------------------------------------------------------------------

  insertNetwork(body: unknown): SimNetwork {
    if (!isObject(body)) throw badRequest('required', "Required field 'resource' not specified");
    const name = requireName(body.name, 'resource.name');
    this.requireNew(this.networkPath(name), this.networks.has(name));
    if (body.IPv4Range !== undefined) {
      throw invalidField(
        'resource.IPv4Range',
        "''. Legacy networks are no longer supported; create a VPC network.",
      );
    }
    if (typeof body.autoCreateSubnetworks !== 'boolean') {
      throw invalidField(
        'resource.autoCreateSubnetworks',
        "''. Set autoCreateSubnetworks: true for an auto mode network, false for a custom mode one.",
      );
    }
    const routing = isObject(body.routingConfig) ? body.routingConfig.routingMode : undefined;
    if (routing !== undefined && routing !== 'REGIONAL' && routing !== 'GLOBAL') {
      throw invalidField('resource.routingConfig.routingMode', `'${String(routing)}'.`);
    }
    const mtu = body.mtu === undefined ? 1460 : readInt(body.mtu);
    if (mtu === null || mtu < 1300 || mtu > 8896) {
      throw invalidField('resource.mtu', `'${String(body.mtu)}'. Must be between 1300 and 8896.`);
    }
    const network: SimNetwork = {
      id: this.ids.next(),
      name,
      description: typeof body.description === 'string' ? body.description : '',
      autoCreateSubnetworks: body.autoCreateSubnetworks,
      routingMode: routing ?? 'REGIONAL',
      mtu,
      creationTimestamp: gceTime(Date.now()),
    };
    this.networks.set(name, network);
    if (network.autoCreateSubnetworks) {
      this.regions.forEach((region, i) => {
        this.addSubnetwork(name, network.name, region, autoRange(i), '', true);
      });
    }
    return network;
  }

  /** Deletes a network nothing uses; `usedBy` names what an instance uses. */
  deleteNetwork(name: string, usedBy: (network: string) => string | null): SimNetwork {
    const network = this.getNetwork(name);
    const firewall = [...this.firewalls.values()].find((f) => f.network === name);
    const subnet = [...this.subnetworks.values()].find((s) => s.network === name && !s.auto);
    const user =
      usedBy(name) ??
      (firewall ? this.firewallPath(firewall.name) : null) ??
      (subnet ? this.subnetworkPath(subnet.region, subnet.name) : null);
    if (user) throw inUse('network', this.networkPath(name), user);
    for (const [k, s] of this.subnetworks) if (s.network === name) this.subnetworks.delete(k);
    this.networks.delete(name);
    return network;
  }

  // ---- subnetworks ------------------------------------------------------------------------

  private addSubnetwork(
    name: string,
    network: string,
    region: string,
    cidr: string,
    description: string,
    auto: boolean,
  ): SimSubnetwork {
    const range = readV4Cidr(cidr)!;
    const subnet: SimSubnetwork = {
      id: this.ids.next(),
      name,
      region,
      network,
      ipCidrRange: cidr,
      gatewayAddress: addressIn(range, 1),
      description,
      auto,
      creationTimestamp: gceTime(Date.now()),
    };
    this.subnetworks.set(`${region}/${name}`, subnet);
    return subnet;
  }

  insertSubnetwork(region: string, body: unknown): SimSubnetwork {
    this.requireRegion(region);
    if (!isObject(body)) throw badRequest('required', "Required field 'resource' not specified");
    const name = requireName(body.name, 'resource.name');
    this.requireNew(this.subnetworkPath(region, name), this.subnetworks.has(`${region}/${name}`));
    const network = this.networkRef(body.network, 'resource.network');
    const cidr = typeof body.ipCidrRange === 'string' ? body.ipCidrRange : '';
    const range = readV4Cidr(cidr);
    const bad = (why: string) =>
      invalidField('resource.ipCidrRange', `'${cidr}'. Invalid IPCidrRange: ${cidr}${why}`);
    if (!range) throw bad('.');
    if (!range.aligned) throw bad(' has host bits set.');
    if (range.bits > 29 || range.bits < 8) throw bad('. Subnetwork ranges must be between /8 and /29.');
    const clash = [...this.subnetworks.values()].find(
      (s) => s.network === network.name && overlaps(range as V4Range, readV4Cidr(s.ipCidrRange)!),
    );
    if (clash) {
      throw bad(` conflicts with existing subnetwork '${clash.name}' in region '${clash.region}'.`);
    }
    const description = typeof body.description === 'string' ? body.description : '';
    return this.addSubnetwork(name, network.name, region, cidr, description, false);
  }

  deleteSubnetwork(region: string, name: string, usedBy: (region: string, name: string) => string | null) {
    const subnet = this.getSubnetwork(region, name);
    const network = this.networks.get(subnet.network);
    if (subnet.auto && network?.autoCreateSubnetworks) {
      throw badRequest(
        'invalid',
        `Invalid resource usage: 'Cannot delete auto subnetwork from an auto subnet mode network.'.`,
      );
    }
    const user = usedBy(region, name);
    if (user) throw inUse('subnetwork', this.subnetworkPath(region, name), user);
    this.subnetworks.delete(`${region}/${name}`);
    return subnet;
  }

  /** The subnetwork an instance in `region` lands in when it names only its network. */
  subnetworkFor(network: string, region: string): SimSubnetwork | undefined {
    return [...this.subnetworks.values()].find((s) => s.network === network && s.region === region);
  }

  // ---- firewalls --------------------------------------------------------------------------

  /** The checked firewall a body describes, over `base` for a patch. */
  private readFirewall(body: Record<string, unknown>, base?: SimFirewall): SimFirewall {
    const has = (k: string) => body[k] !== undefined && body[k] !== null;
    const name = base ? base.name : requireName(body.name, 'resource.name');
    if (base && has('name') && body.name !== base.name) {
      throw invalidField(
        'resource.name',
        `'${String(body.name)}'. The name of a firewall cannot be changed.`,
      );
    }
    const network = base
      ? base.network
      : this.networkRef(has('network') ? body.network : 'global/networks/default', 'resource.network').name;
    const direction = has('direction') ? body.direction : (base?.direction ?? 'INGRESS');
    if (direction !== 'INGRESS' && direction !== 'EGRESS') {
      throw invalidField('resource.direction', `'${String(direction)}'. Must be INGRESS or EGRESS.`);
    }
    if (base && direction !== base.direction) {
      throw invalidField(
        'resource.direction',
        `'${direction}'. The direction of a firewall cannot be changed.`,
      );
    }
    const priority = has('priority') ? readInt(body.priority) : (base?.priority ?? 1000);
    if (priority === null || priority > 65535) {
      throw invalidField('resource.priority', `'${String(body.priority)}'. Must be between 0 and 65535.`);
    }
    const allowed = has('allowed') ? readEntries(body.allowed, 'resource.allowed') : (base?.allowed ?? []);
    const denied = has('denied') ? readEntries(body.denied, 'resource.denied') : (base?.denied ?? []);
    if (allowed.length > 0 === denied.length > 0) {
      throw invalidField('resource', "''. Exactly one of allowed or denied must be specified.");
    }
    const sourceRanges = has('sourceRanges')
      ? readRanges(body.sourceRanges, 'resource.sourceRanges')
      : (base?.sourceRanges ?? []);
    const sourceTags = has('sourceTags')
      ? readStrings(body.sourceTags, 'resource.sourceTags')
      : (base?.sourceTags ?? []);
    const targetTags = has('targetTags')
      ? readStrings(body.targetTags, 'resource.targetTags')
      : (base?.targetTags ?? []);
    let destinationRanges = has('destinationRanges')
      ? readRanges(body.destinationRanges, 'resource.destinationRanges')
      : (base?.destinationRanges ?? []);
    if (direction === 'INGRESS') {
      if (sourceRanges.length === 0 && sourceTags.length === 0) {
        throw invalidField(
          'resource.sourceRanges',
          "''. An INGRESS firewall needs at least one of sourceRanges or sourceTags.",
        );
      }
    } else {
      if (sourceTags.length > 0) {
        throw invalidField('resource.sourceTags', "''. sourceTags cannot be used with EGRESS firewalls.");
      }
      if (destinationRanges.length === 0) destinationRanges = ['0.0.0.0/0'];
    }
    return {
      id: base?.id ?? this.ids.next(),
      name,
      network,
      description: typeof body.description === 'string' ? body.description : (base?.description ?? ''),
      priority,
      direction,
      sourceRanges,
      destinationRanges,
      sourceTags,
      targetTags,
      allowed,
      denied,
      disabled: has('disabled') ? body.disabled === true : (base?.disabled ?? false),
      creationTimestamp: base?.creationTimestamp ?? gceTime(Date.now()),
    };
  }

  insertFirewall(body: unknown): SimFirewall {
    if (!isObject(body)) throw badRequest('required', "Required field 'resource' not specified");
    const name = requireName(body.name, 'resource.name');
    this.requireNew(this.firewallPath(name), this.firewalls.has(name));
    const firewall = this.readFirewall(body);
    this.firewalls.set(name, firewall);
    return firewall;
  }

  /** PATCH: the fields sent replace those stored; the result is checked as a whole. */
  patchFirewall(name: string, body: unknown): SimFirewall {
    const current = this.getFirewall(name);
    if (!isObject(body)) throw badRequest('required', "Required field 'resource' not specified");
    const next = this.readFirewall(body, current);
    this.firewalls.set(name, next);
    return next;
  }

  deleteFirewall(name: string): SimFirewall {
    const firewall = this.getFirewall(name);
    this.firewalls.delete(name);
    return firewall;
  }
}

function inUse(kind: string, path: string, user: string): GceApiError {
  return badRequest(
    'resourceInUseByAnotherResource',
    `The ${kind} resource '${path}' is already being used by '${user}'`,
  );
}
