// The cluster's guests and, for the network views, the interfaces their configs declare: which
// bridge or SDN vnet each `netN` sits on and the address it was given (an LXC `ip=`, a VM's
// cloud-init `ipconfigN`).

import { ProviderError } from '@overcast/contracts';
import { mapInOrder } from '../common/batches';
import type { PveClient } from './client';
import type { PveResource } from './map';

/** Every guest on every node, in one call (Proxmox does not page it); templates included. */
export async function clusterGuests(api: PveClient, signal?: AbortSignal): Promise<PveResource[]> {
  const all = await api.request<PveResource[] | null>('GET', '/cluster/resources', {
    params: { type: 'vm' },
    signal,
  });
  return (all ?? []).filter((r) => (r.type === 'qemu' || r.type === 'lxc') && typeof r.vmid === 'number');
}

export interface GuestNic {
  vmid: number;
  node: string;
  bridge: string;
  /** The static IPv4 or IPv6 address it was given, without its prefix; null for DHCP or none. */
  ip: string | null;
}

const field = (value: unknown, key: string) =>
  new RegExp(`(?:^|,)${key}=([^,]+)`).exec(String(value ?? ''))?.[1] ?? null;

/** The interfaces of one guest's config. */
export function nicsOf(g: { vmid: number; node: string; type: string }, config: Record<string, unknown>) {
  const nics: GuestNic[] = [];
  for (const [key, value] of Object.entries(config)) {
    const n = /^net(\d+)$/.exec(key)?.[1];
    const bridge = n === undefined ? null : field(value, 'bridge');
    if (!bridge) continue;
    const spec = g.type === 'lxc' ? value : config[`ipconfig${n}`];
    const ip = field(spec, 'ip') ?? field(spec, 'ip6');
    nics.push({
      vmid: g.vmid,
      node: g.node,
      bridge,
      ip: ip && !/^(dhcp|auto|manual)$/.test(ip) ? ip.split('/')[0]! : null,
    });
  }
  return nics;
}

/** The interfaces of every guest but templates, their configs read a few at a time. */
export async function guestNics(api: PveClient, concurrency: number, signal: AbortSignal) {
  const guests = (await clusterGuests(api, signal)).filter((g) => g.template !== 1);
  const lists = await mapInOrder(
    guests,
    concurrency,
    async (g) => {
      const path = `/nodes/${encodeURIComponent(g.node)}/${g.type}/${g.vmid}/config`;
      try {
        return nicsOf(g, (await api.request<Record<string, unknown> | null>('GET', path, { signal })) ?? {});
      } catch (err) {
        // Gone between the two calls: it sits on no network any more.
        if (err instanceof ProviderError && err.kind === 'not-found') return [];
        throw err;
      }
    },
    signal,
  );
  return lists.flat();
}
