// The engine's networks: the NetworkDriver part of the Docker driver. The predefined bridge, host
// and none are its defaults; user networks are bridges made from a name and a subnet. A
// network's machines are the containers attached to it, stopped ones too (from the container
// list, one request, rather than an inspect per network, which names only running ones).
// Docker has no firewalls of its own in the security-group sense.

import {
  type CreateNetworkSpec,
  type NetworkDriver,
  ProviderError,
  type RemoteNetwork,
} from '@overcast/contracts';
import type Dockerode from 'dockerode';
import { noSubnets } from '../common/with-networks';

type Call = <T>(fn: () => Promise<T>) => Promise<T>;

/** The networks every engine has; Overcast neither deletes them nor counts them as made by anyone. */
const PREDEFINED = new Set(['bridge', 'host', 'none']);

/** The engine's own rule for network names. */
const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/;

/** Container ids per network name, from the container list (stopped containers included). */
function attachments(containers: Dockerode.ContainerInfo[]): Map<string, string[]> {
  const byNetwork = new Map<string, string[]>();
  for (const c of containers) {
    for (const name of Object.keys(c.NetworkSettings?.Networks ?? {})) {
      byNetwork.set(name, [...(byNetwork.get(name) ?? []), c.Id]);
    }
  }
  return byNetwork;
}

export function toNetwork(n: Dockerode.NetworkInspectInfo, machineIds: string[]): RemoteNetwork {
  const configs = n.IPAM?.Config ?? [];
  const v4 = configs.find((c) => c.Subnet && !c.Subnet.includes(':'));
  const v6 = configs.find((c) => c.Subnet?.includes(':'));
  return {
    externalId: n.Id,
    name: n.Name,
    cidr: v4?.Subnet ?? v6?.Subnet ?? null,
    region: null,
    isDefault: PREDEFINED.has(n.Name),
    machineIds: [...machineIds].sort(),
    tags: { ...(n.Labels ?? {}) },
    extra: {
      driver: n.Driver,
      scope: n.Scope,
      internal: n.Internal,
      gateway: v4?.Gateway ?? null,
      ...(v6 && v4 ? { ipv6: v6.Subnet } : {}),
    },
  };
}

export class DockerNetworks implements NetworkDriver {
  constructor(
    private readonly engine: () => Promise<Dockerode>,
    private readonly call: Call,
  ) {}

  private async read(signal?: AbortSignal) {
    const docker = await this.engine();
    const [networks, containers] = await this.call(() =>
      Promise.all([
        docker.listNetworks({ abortSignal: signal } as Dockerode.NetworkListOptions),
        docker.listContainers({ all: true, abortSignal: signal } as Dockerode.ContainerListOptions),
      ]),
    );
    return { docker, networks, attached: attachments(containers) };
  }

  async listNetworks(signal: AbortSignal): Promise<RemoteNetwork[]> {
    const { networks, attached } = await this.read(signal);
    return networks.map((n) => toNetwork(n, attached.get(n.Name) ?? []));
  }

  readonly listSubnets = noSubnets;

  /** A bridge network on the given subnet; the engine picks the gateway (its first address). */
  async createNetwork(spec: CreateNetworkSpec): Promise<RemoteNetwork> {
    const name = spec.name.trim();
    if (!NAME.test(name)) {
      throw new ProviderError(
        'invalid',
        `'${spec.name}' is not a usable network name: use 1-63 letters, digits, dots, dashes or underscores, starting with a letter or digit.`,
      );
    }
    const docker = await this.engine();
    const created = await this.call(() =>
      docker.createNetwork({
        Name: name,
        Driver: 'bridge',
        CheckDuplicate: true,
        IPAM: { Driver: 'default', Config: [{ Subnet: spec.cidr }] },
      }),
    );
    const info = await this.call(() => docker.getNetwork(created.id).inspect());
    return toNetwork(info as Dockerode.NetworkInspectInfo, []);
  }

  /** Removed when no container is attached; the predefined ones are the engine's and stay. */
  async deleteNetwork(externalId: string): Promise<void> {
    const { docker, networks, attached } = await this.read();
    const network = networks.find((n) => n.Id === externalId);
    if (!network) throw new ProviderError('not-found', `The Docker network ${externalId} does not exist.`);
    if (PREDEFINED.has(network.Name)) {
      throw new ProviderError(
        'invalid',
        `${network.Name} is one of the engine's own networks; it cannot be removed.`,
      );
    }
    const users = attached.get(network.Name) ?? [];
    if (users.length > 0) {
      throw new ProviderError(
        'conflict',
        `${network.Name} has ${users.length} container(s) attached; disconnect or remove them first.`,
      );
    }
    await this.call(() => docker.getNetwork(network.Id).remove());
  }
}
