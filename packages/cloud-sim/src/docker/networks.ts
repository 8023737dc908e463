// The engine's networks as the Engine API speaks them: the predefined bridge, host and none,
// and user-defined ones made and removed by POST /networks/create and DELETE /networks/{id}.
// A container joins one at creation (HostConfig.NetworkMode); its address is on it while running.

import { createHash, randomBytes } from 'node:crypto';
import { addressIn, overlaps, readV4Cidr } from '../common/cidr';
import { EngineError } from './engine-error';

export interface SimNetwork {
  id: string;
  name: string;
  /** bridge, host or null (the "none" network). */
  driver: string;
  subnet: string | null;
  gateway: string | null;
  internal: boolean;
  labels: Record<string, string>;
  created: Date;
  predefined: boolean;
}

const idOf = (name: string) => createHash('sha256').update(name).digest('hex');

/** The predefined networks every engine has; `bridgeSubnet` is the emulator's own block. */
export function predefinedNetworks(bridgeSubnet: string, bridgeGateway: string): SimNetwork[] {
  const base = { internal: false, labels: {}, created: new Date(0), predefined: true };
  return [
    {
      ...base,
      id: idOf('bridge'),
      name: 'bridge',
      driver: 'bridge',
      subnet: bridgeSubnet,
      gateway: bridgeGateway,
    },
    { ...base, id: idOf('host'), name: 'host', driver: 'host', subnet: null, gateway: null },
    { ...base, id: idOf('none'), name: 'none', driver: 'null', subnet: null, gateway: null },
  ];
}

export class NetworkTable {
  readonly byId = new Map<string, SimNetwork>();
  /** Where user networks without a subnet are placed, as dockerd's default address pool does. */
  private nextPool = 18;

  constructor(initial: SimNetwork[]) {
    for (const n of initial) this.byId.set(n.id, n);
  }

  /** By full id, unique id prefix, or name. */
  find(ref: string): SimNetwork {
    const byName = [...this.byId.values()].find((n) => n.name === ref);
    if (byName) return byName;
    const matches = [...this.byId.values()].filter((n) => n.id.startsWith(ref));
    if (ref.length > 0 && matches.length === 1) return matches[0] as SimNetwork;
    throw new EngineError(404, `network ${ref} not found`);
  }

  create(spec: {
    name: unknown;
    driver?: unknown;
    internal?: unknown;
    labels?: unknown;
    subnet?: unknown;
    gateway?: unknown;
  }): SimNetwork {
    const name = spec.name;
    if (typeof name !== 'string' || !/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(name)) {
      throw new EngineError(400, `invalid name: ${String(name)}`);
    }
    if ([...this.byId.values()].some((n) => n.name === name)) {
      throw new EngineError(409, `network with name ${name} already exists`);
    }
    const driver = spec.driver ?? 'bridge';
    if (driver !== 'bridge') {
      throw new EngineError(400, `plugin "${String(driver)}" not found`);
    }
    const subnet = spec.subnet === undefined ? this.nextFreePool() : spec.subnet;
    const range = typeof subnet === 'string' ? readV4Cidr(subnet) : null;
    if (!range?.aligned) throw new EngineError(400, `invalid subnet ${String(subnet)}`);
    for (const other of this.byId.values()) {
      const taken = other.subnet ? readV4Cidr(other.subnet) : null;
      if (taken && overlaps(range, taken)) {
        throw new EngineError(403, 'Pool overlaps with other one on this address space');
      }
    }
    const gateway = typeof spec.gateway === 'string' ? spec.gateway : addressIn(range, 1);
    const network: SimNetwork = {
      id: randomBytes(32).toString('hex'),
      name,
      driver: 'bridge',
      subnet: subnet as string,
      gateway,
      internal: spec.internal === true,
      labels: (spec.labels as Record<string, string>) ?? {},
      created: new Date(),
      predefined: false,
    };
    this.byId.set(network.id, network);
    return network;
  }

  /** `inUse` names the running containers on it: dockerd refuses to remove their endpoints. */
  remove(ref: string, inUse: (network: SimNetwork) => string[]): SimNetwork {
    const network = this.find(ref);
    if (network.predefined) {
      throw new EngineError(403, `${network.name} is a pre-defined network and cannot be removed`);
    }
    if (inUse(network).length > 0) {
      throw new EngineError(
        403,
        `error while removing network: network ${network.name} id ${network.id} has active endpoints`,
      );
    }
    this.byId.delete(network.id);
    return network;
  }

  private nextFreePool(): string {
    const used = [...this.byId.values()].flatMap((n) => (n.subnet ? [readV4Cidr(n.subnet)] : []));
    for (; this.nextPool < 32; this.nextPool++) {
      const candidate = `172.${this.nextPool}.0.0/16`;
      const range = readV4Cidr(candidate);
      if (range && !used.some((u) => u && overlaps(range, u))) return candidate;
    }
    throw new EngineError(500, 'could not find an available, non-overlapping IPv4 address pool');
  }
}

/** A network as GET /networks lists it and GET /networks/{id} inspects it (with `containers`). */
export function networkJson(n: SimNetwork, containers?: Record<string, unknown>) {
  return {
    Name: n.name,
    Id: n.id,
    Created: n.created.toISOString(),
    Scope: 'local',
    Driver: n.driver,
    EnableIPv6: false,
    IPAM: {
      Driver: 'default',
      Options: null,
      Config: n.subnet ? [{ Subnet: n.subnet, Gateway: n.gateway }] : [],
    },
    Internal: n.internal,
    Attachable: false,
    Ingress: false,
    ConfigFrom: { Network: '' },
    ConfigOnly: false,
    ...(containers ? { Containers: containers } : {}),
    Options: n.name === 'bridge' ? { 'com.docker.network.bridge.default_bridge': 'true' } : {},
    Labels: n.labels,
  };
}
