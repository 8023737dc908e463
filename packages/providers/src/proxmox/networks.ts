// Proxmox VE's networks: the SDN vnets (`/cluster/sdn/vnets`, cluster-wide, their ranges in
// their subnets) and each node's Linux bridges (`/nodes/{node}/network`, type bridge), the
// latter shown read-only: they are the hosts' own network, changed on the node. Which guests sit
// in each comes from their configs' `netN: …,bridge=<name>`. A new vnet goes into one simple
// zone, `overcast`, made when missing; every SDN change is pending until `PUT /cluster/sdn`
// applies it, a task waited on.

import {
  type CreateNetworkSpec,
  type CreateSubnetSpec,
  type NetworkDriver,
  ProviderError,
  type RemoteNetwork,
  type RemoteSubnet,
} from '@overcast/contracts';
import { inCidr, parseCidr, parseIp } from '@overcast/contracts/addresses';
import { mapInOrder } from '../common/batches';
import type { PveClient } from './client';
import { type GuestNic, guestNics } from './guests';
import type { PveNode } from './map';
import type { TaskRunner } from './tasks';

/** The simple zone Overcast's vnets go into (zone ids are at most 8 characters). */
export const ZONE = 'overcast';

interface PveVnet {
  vnet?: string;
  zone?: string;
  alias?: string;
  tag?: number;
}

interface PveSubnet {
  subnet?: string;
  cidr?: string;
  gateway?: string;
}

interface PveIface {
  iface?: string;
  type?: string;
  cidr?: string;
  address?: string;
  netmask?: string;
  gateway?: string;
  bridge_ports?: string;
  active?: number;
}

const SDN = 'sdn/';
const BRIDGE = 'bridge/';
const vnetPath = (vnet: string) => `/cluster/sdn/vnets/${encodeURIComponent(vnet)}`;
const unique = (ids: number[]) => [...new Set(ids)].map(String);

/** The range a bridge's `cidr` (its own address and prefix) lies in, as network/prefix. */
function rangeOf(cidr: string | undefined): string | null {
  const parsed = cidr ? parseCidr(cidr) : null;
  if (!parsed) return null;
  if (parsed.family === 6) return `${cidr!.split('/')[0]}/${parsed.bits}`;
  const v = Number(parsed.base);
  return `${[24, 16, 8, 0].map((s) => (v >>> s) & 255).join('.')}/${parsed.bits}`;
}

function vnetOf(externalId: string): string {
  if (externalId.startsWith(BRIDGE))
    throw new ProviderError(
      'invalid',
      `${externalId.slice(BRIDGE.length)} is a Linux bridge of its node, part of the host's own network: change it in Proxmox (node > System > Network).`,
    );
  const vnet = externalId.startsWith(SDN) ? externalId.slice(SDN.length) : '';
  if (!/^[A-Za-z][A-Za-z0-9]{0,7}$/.test(vnet))
    throw new ProviderError('invalid', `'${externalId}' is not a Proxmox SDN vnet id (sdn/<vnet>).`);
  return vnet;
}

function subnetIdOf(externalId: string): { vnet: string; subnet: string } {
  const [vnet, subnet, ...rest] = externalId.split('/');
  if (!vnet || !subnet || rest.length > 0 || !/^[\w.:-]+$/.test(subnet))
    throw new ProviderError(
      'invalid',
      `'${externalId}' is not a Proxmox subnet id (<vnet>/<zone>-<address>-<prefix>).`,
    );
  return { vnet, subnet };
}

export class ProxmoxNetworks implements NetworkDriver {
  constructor(
    private readonly api: PveClient,
    private readonly tasks: TaskRunner,
    private readonly concurrency: number,
  ) {}

  /** A cluster without SDN (libpve-network-perl not installed) answers 501: it has no vnets. */
  private async vnets(signal?: AbortSignal): Promise<Array<PveVnet & { vnet: string }>> {
    const list = await this.api
      .request<PveVnet[] | null>('GET', '/cluster/sdn/vnets', { signal })
      .catch((err: unknown) => {
        if (err instanceof ProviderError && err.options.status === 501) return [];
        throw err;
      });
    return (list ?? []).filter((v): v is PveVnet & { vnet: string } => typeof v.vnet === 'string');
  }

  private async subnetsOf(vnet: string, signal?: AbortSignal) {
    return (await this.api.request<PveSubnet[] | null>('GET', `${vnetPath(vnet)}/subnets`, { signal })) ?? [];
  }

  private toVnet(v: PveVnet & { vnet: string }, nics: GuestNic[]): RemoteNetwork {
    return {
      externalId: `${SDN}${v.vnet}`,
      name: v.vnet,
      // A vnet has no range of its own; its subnets have them.
      cidr: null,
      // SDN is cluster-wide: every node has the vnet.
      region: null,
      isDefault: false,
      machineIds: unique(nics.filter((n) => n.bridge === v.vnet).map((n) => n.vmid)),
      tags: {},
      extra: { kind: 'sdn', zone: v.zone ?? null, alias: v.alias ?? null, tag: v.tag ?? null },
    };
  }

  private toSubnet(vnet: string, s: PveSubnet, nics: GuestNic[]): RemoteSubnet {
    const range = s.cidr ? parseCidr(s.cidr) : null;
    return {
      externalId: `${vnet}/${s.subnet}`,
      networkId: `${SDN}${vnet}`,
      name: s.subnet ?? s.cidr ?? '',
      cidr: s.cidr ?? '',
      location: null,
      // Guests on the vnet whose configured address lies in the range; DHCP ones are not known.
      machineIds: unique(
        nics
          .filter((n) => {
            const ip = n.bridge === vnet && n.ip ? parseIp(n.ip) : null;
            return ip !== null && range !== null && inCidr(ip, range);
          })
          .map((n) => n.vmid),
      ),
      extra: { gateway: s.gateway ?? null },
    };
  }

  private async bridges(nics: GuestNic[], signal: AbortSignal): Promise<RemoteNetwork[]> {
    const nodes = ((await this.api.request<PveNode[] | null>('GET', '/nodes', { signal })) ?? []).filter(
      (n) => typeof n.node === 'string' && n.status !== 'offline',
    );
    const perNode = await mapInOrder(
      nodes,
      this.concurrency,
      async (n) =>
        (
          (await this.api.request<PveIface[] | null>('GET', `/nodes/${encodeURIComponent(n.node)}/network`, {
            params: { type: 'bridge' },
            signal,
          })) ?? []
        ).map((i) => ({ node: n.node, i })),
      signal,
    );
    return perNode.flat().flatMap(({ node, i }) =>
      i.type === 'bridge' && i.iface
        ? [
            {
              externalId: `${BRIDGE}${node}/${i.iface}`,
              name: `${i.iface} (${node})`,
              cidr: rangeOf(i.cidr ?? (i.address && i.netmask ? `${i.address}/${i.netmask}` : undefined)),
              region: node,
              isDefault: false,
              machineIds: unique(
                nics.filter((x) => x.node === node && x.bridge === i.iface).map((x) => x.vmid),
              ),
              tags: {},
              extra: {
                kind: 'bridge',
                readOnly: true,
                node,
                iface: i.iface,
                address: i.cidr ?? i.address ?? null,
                gateway: i.gateway ?? null,
                ports: i.bridge_ports ?? null,
              },
            },
          ]
        : [],
    );
  }

  async listNetworks(signal: AbortSignal): Promise<RemoteNetwork[]> {
    const nics = await guestNics(this.api, this.concurrency, signal);
    const vnets = (await this.vnets(signal)).map((v) => this.toVnet(v, nics));
    return [...vnets, ...(await this.bridges(nics, signal))];
  }

  async listSubnets(signal: AbortSignal): Promise<RemoteSubnet[]> {
    const nics = await guestNics(this.api, this.concurrency, signal);
    const vnets = await this.vnets(signal);
    const lists = await mapInOrder(vnets, this.concurrency, (v) => this.subnetsOf(v.vnet, signal), signal);
    return vnets.flatMap((v, i) => (lists[i] ?? []).map((s) => this.toSubnet(v.vnet, s, nics)));
  }

  /** Makes the pending SDN configuration the running one on every node. */
  private apply(): Promise<void> {
    return this.tasks.run('PUT', '/cluster/sdn', undefined, true);
  }

  /**
   * A vnet in the `overcast` simple zone with the range as its first subnet, applied. SDN is
   * cluster-wide, so no region applies. A subnet Proxmox refuses removes the vnet again.
   */
  async createNetwork(spec: CreateNetworkSpec): Promise<RemoteNetwork> {
    const zones =
      (await this.api.request<Array<{ zone?: string }> | null>('GET', '/cluster/sdn/zones')) ?? [];
    if (!zones.some((z) => z.zone === ZONE))
      await this.api.request('POST', '/cluster/sdn/zones', { params: { zone: ZONE, type: 'simple' } });
    await this.api.request('POST', '/cluster/sdn/vnets', { params: { vnet: spec.name, zone: ZONE } });
    try {
      await this.api.request('POST', `${vnetPath(spec.name)}/subnets`, {
        params: { subnet: spec.cidr, type: 'subnet' },
      });
    } catch (err) {
      await this.api.request('DELETE', vnetPath(spec.name)).catch(() => {});
      throw err;
    }
    await this.apply();
    return this.toVnet({ vnet: spec.name, zone: ZONE }, []);
  }

  /** Refused while guests have an interface on it; its subnets go with it. */
  async deleteNetwork(externalId: string): Promise<void> {
    const vnet = vnetOf(externalId);
    const abort = new AbortController();
    const on = (await guestNics(this.api, this.concurrency, abort.signal)).filter((n) => n.bridge === vnet);
    if (on.length > 0)
      throw new ProviderError(
        'conflict',
        `vnet '${vnet}' is in use by guests ${unique(on.map((n) => n.vmid)).join(', ')}: move their interfaces to another bridge first.`,
      );
    for (const s of await this.subnetsOf(vnet))
      if (s.subnet)
        await this.api.request('DELETE', `${vnetPath(vnet)}/subnets/${encodeURIComponent(s.subnet)}`);
    await this.api.request('DELETE', vnetPath(vnet));
    await this.apply();
  }

  async createSubnet(spec: CreateSubnetSpec): Promise<RemoteSubnet> {
    const vnet = vnetOf(spec.networkId);
    await this.api.request('POST', `${vnetPath(vnet)}/subnets`, {
      params: { subnet: spec.cidr, type: 'subnet' },
    });
    await this.apply();
    const made = (await this.subnetsOf(vnet)).find((s) => s.cidr === spec.cidr);
    if (!made)
      throw new ProviderError('unavailable', `Proxmox VE does not list the subnet ${spec.cidr} it made.`);
    return this.toSubnet(vnet, made, []);
  }

  async deleteSubnet(externalId: string): Promise<void> {
    const { vnet, subnet } = subnetIdOf(externalId);
    await this.api.request('DELETE', `${vnetPath(vnet)}/subnets/${encodeURIComponent(subnet)}`);
    await this.apply();
  }
}
