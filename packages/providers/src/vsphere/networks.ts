// vCenter's networks, read-only: `GET /api/vcenter/network` lists standard portgroups,
// distributed portgroups and opaque networks (NSX segments), and each VM's NICs say which it is
// on (`GET /api/vcenter/vm/{vm}` -> nics[].backing.network). The REST API makes no networks
// (portgroups are made on a host's or a distributed switch), so none are made or deleted here,
// and the module says so (`readOnlyNetworks`).

import { type NetworkDriver, ProviderError, type RemoteNetwork } from '@overcast/contracts';
import { noSubnets } from '../common/with-networks';
import type { VcClient } from './client';
import type { VmInfo } from './map';

export interface NetworkSummary {
  network: string;
  name: string;
  /** STANDARD_PORTGROUP, DISTRIBUTED_PORTGROUP or OPAQUE_NETWORK. */
  type: string;
}

const KIND: Record<string, string> = {
  STANDARD_PORTGROUP: 'standard portgroup',
  DISTRIBUTED_PORTGROUP: 'distributed portgroup',
  OPAQUE_NETWORK: 'opaque network',
};

const readOnly = () =>
  new ProviderError(
    'invalid',
    "vCenter's API makes and deletes no networks: add a portgroup to a switch in the vSphere Client, and it is listed at the next poll.",
  );

/** The network ids each VM's NICs are backed by, by VM. */
export function networksOfVm(info: VmInfo | null): string[] {
  return [
    ...new Set(
      Object.values(info?.nics ?? {}).flatMap((nic) =>
        typeof nic.backing?.network === 'string' ? [nic.backing.network] : [],
      ),
    ),
  ];
}

export class VsphereNetworks implements NetworkDriver {
  readonly listSubnets = noSubnets;

  constructor(
    private readonly api: VcClient,
    /** Every VM with its details, as the driver reads them for its other lists. */
    private readonly infos: (signal: AbortSignal) => Promise<Array<{ vm: string; info: VmInfo | null }>>,
  ) {}

  async listNetworks(signal: AbortSignal): Promise<RemoteNetwork[]> {
    const [networks, infos] = await Promise.all([
      this.api.request<NetworkSummary[]>('GET', '/vcenter/network', { signal }),
      this.infos(signal),
    ]);
    const members = new Map<string, string[]>();
    for (const { vm, info } of infos)
      for (const id of networksOfVm(info)) members.set(id, [...(members.get(id) ?? []), vm]);
    return (networks ?? []).map((n) => ({
      externalId: n.network,
      name: n.name,
      // A portgroup carries VLANs, not address ranges: vCenter knows none.
      cidr: null,
      region: null,
      isDefault: false,
      machineIds: members.get(n.network) ?? [],
      tags: {},
      extra: { type: n.type, kind: KIND[n.type] ?? n.type, readOnly: true },
    }));
  }

  async createNetwork(): Promise<RemoteNetwork> {
    throw readOnly();
  }

  async deleteNetwork(): Promise<void> {
    throw readOnly();
  }
}
