// The network side of an emulated Proxmox VE cluster, as pve-network and pve-firewall keep it:
// SDN zones, vnets and their subnets (a change is pending until `PUT /cluster/sdn` applies it),
// each node's Linux bridges, and the firewall: security groups and each guest's rules and
// options. Rule lists carry the digest of their file; a write given an old digest is refused
// as Proxmox refuses it, and positions close up on delete.

import { createHash } from 'node:crypto';
import { readV4Cidr } from '../common/cidr';
import { type PveCluster, PveError, paramError } from './cluster';

export interface SimZone {
  zone: string;
  type: string;
}

export interface SimVnet {
  vnet: string;
  zone: string;
  alias?: string;
}

export interface SimSubnet {
  /** `zone-10.0.1.0-24`, as pve-network names a subnet. */
  id: string;
  vnet: string;
  cidr: string;
  gateway?: string;
}

export interface SimRule {
  type: string;
  action: string;
  enable?: number;
  proto?: string;
  dport?: string;
  sport?: string;
  source?: string;
  dest?: string;
  macro?: string;
  comment?: string;
}

export interface SimFirewall {
  options: { enable: number; policy_in?: string; policy_out?: string };
  rules: SimRule[];
}

export interface SimBridge {
  iface: string;
  cidr: string;
  gateway?: string;
  ports: string;
}

/** pve-sdn-zone-id and pve-sdn-vnet-id: a letter, letters and digits, at most 8. */
const SDN_ID = /^[a-z][a-z0-9]*[a-z0-9]$/i;
const ACTIONS = ['ACCEPT', 'DROP', 'REJECT'];
const TYPES = ['in', 'out', 'group', 'forward'];
const PROTOCOLS = new Set(['tcp', 'udp', 'icmp', 'icmpv6', 'ipv6-icmp', 'gre', 'esp', 'ah', 'sctp']);
const MACROS = new Set(['SSH', 'RDP', 'HTTP', 'HTTPS', 'DNS', 'Ping']);
const GROUP = /^[A-Za-z][A-Za-z0-9_-]+$/;
const MODIFIED = 'detected modified configuration - file changed by other user? Try again.';

function sdnId(what: 'zone' | 'vnet', id: string | undefined): string {
  if (!id) throw paramError({ [what]: 'property is missing and it is not optional' });
  if (!SDN_ID.test(id))
    throw paramError({ [what]: `invalid format - ${what} ID '${id}' contains illegal characters` });
  if (id.length > 8)
    throw paramError({
      [what]: `invalid format - ${what} ID '${id}' can't be more length than 8 characters`,
    });
  return id;
}

const V6 = /^[0-9a-f:]*:[0-9a-f:.]*(\/(\d{1,2}|1[01]\d|12[0-8]))?$/i;

/** 4 or 6 for an address or CIDR, null for anything else. */
function familyOf(text: string): 4 | 6 | null {
  if (readV4Cidr(text.includes('/') ? text : `${text}/32`)) return 4;
  return V6.test(text) ? 6 : null;
}

/** The digest Proxmox gives a config file: the SHA-1 of its text. */
const digestOf = (value: unknown) => createHash('sha1').update(JSON.stringify(value)).digest('hex');

/** A port list as pve-firewall reads it: numbers or ranges `a:b`, comma separated. */
function portsProblem(text: string): string | null {
  for (const part of text.split(',')) {
    const m = /^(\d+)(?::(\d+))?$/.exec(part.trim());
    if (!m) return `invalid port '${part}'`;
    const [from, to = from] = [Number(m[1]), m[2] === undefined ? undefined : Number(m[2])];
    if (from > 65535 || (to ?? from) > 65535) return `invalid port '${part}'`;
    if (to !== undefined && to < from) return `invalid port range '${part}'`;
  }
  return null;
}

export class PveNetwork {
  /** False on a cluster without libpve-network-perl: every /cluster/sdn path is not implemented. */
  sdn = true;
  readonly zones = new Map<string, SimZone>();
  readonly vnets = new Map<string, SimVnet>();
  readonly subnets = new Map<string, SimSubnet>();
  /** What `PUT /cluster/sdn` last applied: the vnets the nodes have as bridges. */
  running: string[] = [];
  readonly bridges = new Map<string, SimBridge[]>();
  readonly groups = new Map<string, { comment: string; rules: SimRule[] }>();
  readonly ipsets = new Set<string>();
  readonly aliases = new Map<string, string>();
  private readonly firewalls = new Map<number, SimFirewall>();

  constructor(private readonly cluster: PveCluster) {
    cluster.nodes.forEach((node, i) => {
      this.bridges.set(node, [{ iface: 'vmbr0', cidr: `192.168.100.${i + 2}/24`, ports: 'eno1' }]);
    });
  }

  // --- SDN -----------------------------------------------------------------------------------

  createZone(params: Record<string, string>): void {
    const zone = sdnId('zone', params.zone);
    if (!params.type) throw paramError({ type: 'property is missing and it is not optional' });
    if (!['simple', 'vlan', 'qinq', 'vxlan', 'evpn'].includes(params.type))
      throw paramError({
        type: `value '${params.type}' does not have a value in the enumeration 'evpn, faucet, qinq, simple, vlan, vxlan'`,
      });
    if (this.zones.has(zone)) throw new PveError(500, `sdn zone object ID '${zone}' already defined`);
    this.zones.set(zone, { zone, type: params.type });
  }

  vnet(id: string): SimVnet {
    const vnet = this.vnets.get(id);
    if (!vnet) throw new PveError(500, `sdn vnet '${id}' does not exist`);
    return vnet;
  }

  createVnet(params: Record<string, string>): void {
    const vnet = sdnId('vnet', params.vnet);
    const zone = params.zone;
    if (!zone) throw paramError({ zone: 'property is missing and it is not optional' });
    if (!this.zones.has(zone)) throw new PveError(500, `zone '${zone}' does not exist`);
    if (this.vnets.has(vnet)) throw new PveError(500, `sdn vnet object ID '${vnet}' already defined`);
    this.vnets.set(vnet, { vnet, zone, ...(params.alias ? { alias: params.alias } : {}) });
  }

  deleteVnet(id: string): void {
    this.vnet(id);
    if ([...this.subnets.values()].some((s) => s.vnet === id))
      throw new PveError(500, `Can't delete vnet '${id}': it still has subnets`);
    this.vnets.delete(id);
  }

  createSubnet(vnetId: string, params: Record<string, string>): void {
    const vnet = this.vnet(vnetId);
    const cidr = params.subnet ?? '';
    const parsed = readV4Cidr(cidr);
    if (!parsed?.aligned)
      throw paramError({
        subnet: `invalid format - value does not look like a valid CIDR network: '${cidr}'`,
      });
    if (params.type !== 'subnet') throw paramError({ type: "value must be 'subnet'" });
    const [address, bits] = cidr.split('/');
    const id = `${vnet.zone}-${address}-${bits}`;
    if (this.subnets.has(id)) throw new PveError(500, `sdn subnet object ID '${id}' already defined`);
    this.subnets.set(id, {
      id,
      vnet: vnet.vnet,
      cidr,
      ...(params.gateway ? { gateway: params.gateway } : {}),
    });
  }

  deleteSubnet(vnetId: string, id: string): void {
    const subnet = this.subnets.get(id);
    if (!subnet || subnet.vnet !== vnetId) throw new PveError(500, `sdn subnet '${id}' does not exist`);
    this.subnets.delete(id);
  }

  /** `PUT /cluster/sdn`: a task on the node asked that makes the pending config the running one. */
  apply(user: string): string {
    const node = this.cluster.nodes[0]!;
    return this.cluster.task(node, 'reloadnetworkall', '', user, 0, () => {
      this.running = [...this.vnets.keys()];
    });
  }

  // --- Firewall --------------------------------------------------------------------------------

  /** A guest's firewall; Proxmox has one for every guest, off until enabled. */
  guestFirewall(vmid: number): SimFirewall {
    let fw = this.firewalls.get(vmid);
    if (!fw) {
      fw = { options: { enable: 0 }, rules: [] };
      this.firewalls.set(vmid, fw);
    }
    return fw;
  }

  group(name: string) {
    const group = this.groups.get(name);
    if (!group) throw new PveError(500, `no such security group '${name}'`);
    return group;
  }

  createGroup(params: Record<string, string>): void {
    const name = params.group ?? '';
    if (!GROUP.test(name) || name.length > 18)
      throw paramError({
        group: `invalid format - security group name '${name}' contains illegal characters`,
      });
    if (this.groups.has(name)) throw new PveError(500, `security group '${name}' already exists`);
    this.groups.set(name, { comment: params.comment ?? '', rules: [] });
  }

  /** A security group holding `rules` in this order, for tests and seeds. */
  seedGroup(group: string, rules: Array<Record<string, string>>): void {
    this.createGroup({ group });
    const held = this.group(group).rules;
    for (const rule of rules) this.addRule(held, { ...rule, pos: String(held.length) });
  }

  /** The list as `GET …/rules` answers it: positions, and the file's digest on every entry. */
  listRules(rules: SimRule[]) {
    const digest = digestOf(rules);
    return rules.map((r, pos) => ({ ...r, pos, digest }));
  }

  options(fw: SimFirewall) {
    return { ...fw.options, digest: digestOf(fw.options) };
  }

  setOptions(fw: SimFirewall, params: Record<string, string>): void {
    if (params.digest && params.digest !== digestOf(fw.options)) throw new PveError(500, MODIFIED);
    if (params.enable !== undefined) {
      if (!/^[01]$/.test(params.enable)) throw paramError({ enable: "type check ('boolean') failed" });
      fw.options.enable = Number(params.enable);
    }
    for (const key of ['policy_in', 'policy_out'] as const) {
      const value = params[key];
      if (value === undefined) continue;
      if (!ACTIONS.includes(value))
        throw paramError({
          [key]: `value '${value}' does not have a value in the enumeration 'ACCEPT, REJECT, DROP'`,
        });
      fw.options[key] = value;
    }
  }

  /** `POST …/rules`: checked as pve-firewall's verify_rule does, inserted at `pos` (0: first). */
  addRule(rules: SimRule[], params: Record<string, string>): void {
    if (params.digest && params.digest !== digestOf(rules)) throw new PveError(500, MODIFIED);
    const errors: Record<string, string> = {};
    const rule: SimRule = { type: params.type ?? '', action: params.action ?? '' };
    if (!params.type) errors.type = 'property is missing and it is not optional';
    else if (!TYPES.includes(params.type))
      errors.type = `value '${params.type}' does not have a value in the enumeration 'in, out, group, forward'`;
    if (!params.action) errors.action = 'property is missing and it is not optional';
    else if (params.type === 'group') {
      if (!this.groups.has(params.action)) errors.action = `security group '${params.action}' does not exist`;
    } else if (!ACTIONS.includes(params.action)) errors.action = `unknown action '${params.action}'`;
    if (params.enable !== undefined) {
      if (!/^\d+$/.test(params.enable))
        errors.enable = "type check ('integer') failed - got '" + params.enable + "'";
      else rule.enable = Number(params.enable);
    }
    if (params.macro !== undefined) {
      if (!MACROS.has(params.macro)) errors.macro = `unknown macro '${params.macro}'`;
      else rule.macro = params.macro;
    }
    if (params.proto !== undefined && params.proto !== '') {
      if (!PROTOCOLS.has(params.proto.toLowerCase()) && !/^\d+$/.test(params.proto))
        errors.proto = `unknown protocol '${params.proto}'`;
      else rule.proto = params.proto.toLowerCase();
    }
    for (const key of ['dport', 'sport'] as const) {
      const value = params[key];
      if (value === undefined || value === '') continue;
      const problem = portsProblem(value);
      if (problem) errors[key] = problem;
      else if (rule.proto !== 'tcp' && rule.proto !== 'udp' && !rule.macro)
        errors.proto = `missing property - '${key}' requires this property`;
      else rule[key] = value;
    }
    for (const key of ['source', 'dest'] as const) {
      const value = params[key];
      if (value === undefined || value === '') continue;
      const problem = this.addressProblem(value);
      if (problem) errors[key] = problem;
      else rule[key] = value;
    }
    if (params.comment !== undefined) rule.comment = params.comment;
    if (Object.keys(errors).length > 0) throw paramError(errors);
    const pos = params.pos === undefined ? 0 : Math.min(Number(params.pos), rules.length);
    if (!Number.isInteger(pos) || pos < 0) throw paramError({ pos: "type check ('integer') failed" });
    rules.splice(pos, 0, rule);
  }

  /** `DELETE …/rules/{pos}`: the rules after it move up one. */
  deleteRule(rules: SimRule[], posText: string, digest: string | undefined): void {
    if (!/^\d+$/.test(posText)) throw paramError({ pos: `type check ('integer') failed - got '${posText}'` });
    if (digest && digest !== digestOf(rules)) throw new PveError(500, MODIFIED);
    const pos = Number(posText);
    if (pos >= rules.length) throw new PveError(500, `no rule at position ${pos}`);
    rules.splice(pos, 1);
  }

  /** A source or destination: one alias, `+ipset`, or a list of addresses and CIDRs of one family. */
  private addressProblem(text: string): string | null {
    if (text.startsWith('+'))
      return this.ipsets.has(text.slice(1)) ? null : `no such ipset '${text.slice(1)}'`;
    if (/^[A-Za-z][A-Za-z0-9_-]*$/.test(text))
      return this.aliases.has(text) ? null : `no such alias '${text}'`;
    const families = new Set<number>();
    for (const part of text.split(',')) {
      const family = familyOf(part);
      if (family === null) return `invalid IP address: ${part}`;
      families.add(family);
    }
    return families.size > 1 ? "you can't mix IPv4 and IPv6 addresses" : null;
  }
}
