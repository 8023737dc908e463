// The emulated vCenter's networks: standard portgroups, distributed portgroups and opaque
// networks, listed by `GET /api/vcenter/network` with its filters, and each VM's NICs backed by
// one of them. vCenter's REST API makes no networks; the emulator's caller adds them.

import { VcError } from './errors';

export type NetworkType = 'STANDARD_PORTGROUP' | 'DISTRIBUTED_PORTGROUP' | 'OPAQUE_NETWORK';

export interface SimNetwork {
  network: string;
  name: string;
  type: NetworkType;
  datacenter: string;
}

const TYPES: NetworkType[] = ['STANDARD_PORTGROUP', 'DISTRIBUTED_PORTGROUP', 'OPAQUE_NETWORK'];
const PREFIX: Record<NetworkType, string> = {
  STANDARD_PORTGROUP: 'network',
  DISTRIBUTED_PORTGROUP: 'dvportgroup',
  OPAQUE_NETWORK: 'network-o',
};

export class VcNetworks {
  /** VM Network on the hosts' standard switch, and a distributed portgroup, as a fresh vCenter with a DVS has. */
  readonly list: SimNetwork[] = [
    { network: 'network-11', name: 'VM Network', type: 'STANDARD_PORTGROUP', datacenter: 'datacenter-3' },
    {
      network: 'dvportgroup-30',
      name: 'DPortGroup-Prod',
      type: 'DISTRIBUTED_PORTGROUP',
      datacenter: 'datacenter-3',
    },
  ];
  private next = 40;

  add(name: string, type: NetworkType): SimNetwork {
    const made = { network: `${PREFIX[type]}-${this.next++}`, name, type, datacenter: 'datacenter-3' };
    this.list.push(made);
    return made;
  }

  get(id: string): SimNetwork {
    const found = this.list.find((n) => n.network === id);
    if (!found)
      throw new VcError(
        404,
        'NOT_FOUND',
        `Network with identifier ${id} does not exist.`,
        'vapi.std.errors.not_found',
      );
    return found;
  }

  /** `GET /api/vcenter/network?names=&types=&networks=&datacenters=`. */
  filter(q: URLSearchParams) {
    const many = (key: string) => {
      const all = q
        .getAll(key)
        .flatMap((v) => v.split(','))
        .filter(Boolean);
      return all.length ? all : null;
    };
    const types = many('types');
    for (const t of types ?? [])
      if (!TYPES.includes(t as NetworkType))
        throw new VcError(
          400,
          'INVALID_ARGUMENT',
          `Invalid value '${t}' for field 'types'.`,
          'vapi.std.errors.invalid_argument',
        );
    const names = many('names');
    const ids = many('networks');
    const datacenters = many('datacenters');
    return this.list
      .filter(
        (n) =>
          (!types || types.includes(n.type)) &&
          (!names || names.includes(n.name)) &&
          (!ids || ids.includes(n.network)) &&
          (!datacenters || datacenters.includes(n.datacenter)),
      )
      .map(({ network, name, type }) => ({ network, name, type }));
  }
}
