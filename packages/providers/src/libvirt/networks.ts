// The host's libvirt networks: the NetworkDriver part of the libvirt driver. A network's id is
// its UUID; its machines are the domains with an interface on it (by network name, or on its
// bridge). libvirt networks have no subnets and no firewalls of their own: the host's
// iptables/nftables rules are the host's business.

import {
  type CreateNetworkSpec,
  type NetworkDriver,
  ProviderError,
  type RemoteNetwork,
} from '@overcast/contracts';
import { parseCidr, parseIp } from '@overcast/contracts/addresses';
import { noSubnets } from '../common/with-networks';
import { cmd, lines } from './commands';
import { checkName } from './create';
import { type DomainFacts, parseDomain } from './domain';
import { parseKeyValues } from './tables';
import { type BatchResult, unwrap, type Virsh } from './virsh';
import { all, escapeXml, first, parseXml, textOf } from './xml';

/** Runs `fn` with virsh on the host (one connection); reads may be retried. */
export type VirshSession = <T>(fn: (virsh: Virsh) => Promise<T>, signal?: AbortSignal) => Promise<T>;

interface NetworkFacts {
  uuid: string;
  name: string;
  bridge: string | null;
  /** nat, route, open, bridge, ...; null for an isolated network. */
  forwardMode: string | null;
  /** The first IPv4 range, as libvirt's <ip address netmask|prefix> gives it. */
  cidr: string | null;
  ipv6: string | null;
}

const v4 = (value: bigint) => [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 255n)).join('.');

/** "192.168.122.1" with netmask "255.255.255.0" (or prefix 24) → "192.168.122.0/24". */
function rangeOf(address: string, netmask: string | undefined, prefix: string | undefined): string | null {
  const ip = parseIp(address);
  if (!ip) return null;
  let bits = prefix !== undefined ? Number(prefix) : ip.family === 4 ? 32 : 128;
  if (netmask !== undefined) {
    const mask = parseIp(netmask);
    if (mask?.family !== 4) return null;
    bits = mask.value.toString(2).replace(/0+$/, '').length;
  }
  const cidr = parseCidr(`${address}/${bits}`);
  if (!cidr) return null;
  // IPv6 ranges are kept as libvirt spells them; IPv4 ones start at the range's first address.
  return cidr.family === 4 ? `${v4(cidr.base)}/${bits}` : `${address}/${bits}`;
}

export function parseNetwork(xml: string): NetworkFacts {
  const net = parseXml(xml);
  const ranges = all(net, 'ip').map((ip) => ({
    family: ip.attrs.family ?? (ip.attrs.address?.includes(':') ? 'ipv6' : 'ipv4'),
    range: ip.attrs.address ? rangeOf(ip.attrs.address, ip.attrs.netmask, ip.attrs.prefix) : null,
  }));
  const forward = first(net, 'forward');
  return {
    uuid: textOf(net, 'uuid') ?? '',
    name: textOf(net, 'name') ?? '',
    bridge: first(net, 'bridge')?.attrs.name ?? null,
    // <forward/> without a mode is NAT, libvirt's default.
    forwardMode: forward ? (forward.attrs.mode ?? 'nat') : null,
    cidr: ranges.find((r) => r.family === 'ipv4')?.range ?? null,
    ipv6: ranges.find((r) => r.family === 'ipv6')?.range ?? null,
  };
}

/** The domains with an interface on the network: by its name, or plugged into its bridge. */
function machinesOn(net: NetworkFacts, domains: DomainFacts[]): string[] {
  return domains
    .filter((d) =>
      d.interfaces.some(
        (i) =>
          (i.type === 'network' && i.source === net.name) ||
          (i.type === 'bridge' && net.bridge !== null && i.source === net.bridge),
      ),
    )
    .map((d) => d.uuid)
    .sort();
}

const okOnly = (results: BatchResult[]) => results.flatMap((r) => (r.ok ? [r.stdout] : []));

/** A new network's definition: NAT to the outside, the range's first address for the host, DHCP for the rest. */
function networkXml(name: string, cidr: string): string {
  const range = parseCidr(cidr);
  if (range?.family !== 4 || range.bits > 29 || range.bits < 8) {
    throw new ProviderError(
      'invalid',
      `${cidr} does not fit a libvirt network: give an IPv4 range from /8 to /29, like 192.168.150.0/24.`,
    );
  }
  const size = 1n << BigInt(32 - range.bits);
  const netmask = v4(((1n << 32n) - 1n) ^ (size - 1n));
  return `<network>
  <name>${escapeXml(name)}</name>
  <forward mode='nat'/>
  <bridge stp='on' delay='0'/>
  <ip address='${v4(range.base + 1n)}' netmask='${netmask}'>
    <dhcp>
      <range start='${v4(range.base + 2n)}' end='${v4(range.base + size - 2n)}'/>
    </dhcp>
  </ip>
</network>
`;
}

export class LibvirtNetworks implements NetworkDriver {
  constructor(
    private readonly read: VirshSession,
    private readonly write: VirshSession,
  ) {}

  /** Every network with its facts, and every domain's interfaces (domains gone meanwhile are skipped). */
  private async inventory(virsh: Virsh, signal?: AbortSignal) {
    const [names, uuids] = await virsh.batch([cmd.listNetworks(), cmd.listUuids()], { signal });
    const networkNames = lines(unwrap(names));
    const domainIds = lines(unwrap(uuids));
    // One invocation: each network's definition and state, then each domain's definition.
    const results = await virsh.batch(
      [
        ...networkNames.flatMap((n) => [cmd.networkXml(n), cmd.networkInfo(n)]),
        ...domainIds.map((id) => cmd.domXml(id)),
      ],
      { signal },
    );
    const networks = networkNames.flatMap((_, i) => {
      const [xml, info] = [results[2 * i], results[2 * i + 1]];
      if (!xml?.ok) return [];
      return [{ facts: parseNetwork(xml.stdout), details: info?.ok ? parseKeyValues(info.stdout) : {} }];
    });
    const domains = okOnly(results.slice(2 * networkNames.length)).map(parseDomain);
    return { networks, domains };
  }

  private toRemote(
    facts: NetworkFacts,
    details: Record<string, string>,
    domains: DomainFacts[],
  ): RemoteNetwork {
    return {
      externalId: facts.uuid,
      name: facts.name,
      cidr: facts.cidr,
      region: null,
      // The network libvirt makes when it is installed.
      isDefault: facts.name === 'default',
      machineIds: machinesOn(facts, domains),
      tags: {},
      extra: {
        bridge: facts.bridge,
        forwardMode: facts.forwardMode ?? 'isolated',
        ...(facts.ipv6 ? { ipv6: facts.ipv6 } : {}),
        ...(details.Active ? { active: details.Active === 'yes' } : {}),
        ...(details.Autostart ? { autostart: details.Autostart === 'yes' } : {}),
      },
    };
  }

  listNetworks(signal: AbortSignal): Promise<RemoteNetwork[]> {
    return this.read(async (virsh) => {
      const { networks, domains } = await this.inventory(virsh, signal);
      return networks.map(({ facts, details }) => this.toRemote(facts, details, domains));
    }, signal);
  }

  readonly listSubnets = noSubnets;

  /** Defined, started and set to start with the host, in one virsh invocation. */
  async createNetwork(spec: CreateNetworkSpec): Promise<RemoteNetwork> {
    const name = checkName(spec.name, 'network');
    const xml = networkXml(name, spec.cidr);
    return this.write(async (virsh) => {
      const [defined, started, autostart, dump, info] = await virsh.batch(
        [
          cmd.defineNetwork(),
          cmd.startNetwork(name),
          cmd.autostartNetwork(name),
          cmd.networkXml(name),
          cmd.networkInfo(name),
        ],
        { stdin: xml },
      );
      unwrap(defined);
      if (started && !started.ok) {
        // A network that cannot start (its range or bridge taken) is not left defined.
        await virsh.batch([cmd.undefineNetwork(name)]);
        throw started.error;
      }
      unwrap(autostart);
      const facts = parseNetwork(unwrap(dump));
      return this.toRemote(facts, info?.ok ? parseKeyValues(info.stdout) : {}, []);
    });
  }

  /** Stopped and undefined; a network a machine has an interface on is refused. */
  deleteNetwork(externalId: string): Promise<void> {
    return this.write(async (virsh) => {
      const { networks, domains } = await this.inventory(virsh);
      const found = networks.find((n) => n.facts.uuid === externalId.toLowerCase());
      if (!found) throw new ProviderError('not-found', `The libvirt network ${externalId} does not exist.`);
      const users = domains.filter((d) => machinesOn(found.facts, [d]).length > 0);
      if (users.length > 0) {
        throw new ProviderError(
          'conflict',
          `${found.facts.name} is used by ${users.map((d) => d.name).join(', ')}; remove their interfaces on it (or delete them) first.`,
        );
      }
      const [stopped, undefined_] = await virsh.batch([
        cmd.stopNetwork(found.facts.name),
        cmd.undefineNetwork(found.facts.name),
      ]);
      if (stopped && !stopped.ok && !/not active/i.test(stopped.error.message)) throw stopped.error;
      unwrap(undefined_);
    });
  }
}
