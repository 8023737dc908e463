import type { MachineState, RemoteImage, RemoteMachine, RemoteVolume } from '@overcast/contracts';
import type Dockerode from 'dockerode';

/** Docker's container states in the unified vocabulary; `rawState` keeps Docker's word. */
export function unifiedState(state: string): MachineState {
  switch (state) {
    case 'running':
      return 'running';
    // Created but never started: nothing is under way, it waits for a start like a stopped one.
    case 'created':
    case 'exited':
    case 'paused':
      return 'stopped';
    case 'restarting':
      return 'rebooting';
    case 'removing':
      return 'terminated';
    case 'dead':
      return 'error';
    default:
      return 'unknown';
  }
}

export interface PortView {
  privatePort: number;
  publicPort: number | null;
  ip: string | null;
  type: string;
}

const isPublicBind = (ip: string | undefined) => !ip || ip === '0.0.0.0' || ip === '::';

export function toMachine(c: Dockerode.ContainerInfo, host: string): RemoteMachine {
  const name = (c.Names?.[0] ?? c.Id.slice(0, 12)).replace(/^\//, '');
  const networks = Object.fromEntries(
    Object.entries(c.NetworkSettings?.Networks ?? {}).map(([net, n]) => [
      net,
      { ip: n.IPAddress || null, gateway: n.Gateway || null, mac: n.MacAddress || null },
    ]),
  );
  const ips = Object.values(networks)
    .map((n) => n.ip)
    .filter((ip): ip is string => Boolean(ip));
  const ports: PortView[] = (c.Ports ?? []).map((p) => ({
    privatePort: p.PrivatePort,
    publicPort: p.PublicPort ?? null,
    ip: p.IP ?? null,
    type: p.Type,
  }));
  return {
    externalId: c.Id,
    name,
    state: unifiedState(c.State),
    rawState: c.State,
    size: null,
    image: c.Image,
    location: host,
    // A port published on every interface makes the container reachable at the host's address.
    publicIps: [],
    privateIps: [...new Set(ips)],
    createdAt: c.Created ? new Date(c.Created * 1000) : null,
    tags: { ...(c.Labels ?? {}) },
    extra: {
      kind: 'container',
      host,
      // Not c.Status ("Up 5 minutes"): it changes by itself and every poll would rewrite every row.
      imageId: c.ImageID,
      command: c.Command,
      ports,
      publishedPorts: ports.filter((p) => p.publicPort !== null && isPublicBind(p.ip ?? undefined)).length,
      networks,
      mounts: (c.Mounts ?? []).map((m) => ({
        type: m.Type,
        name: m.Name ?? null,
        source: m.Source,
        destination: m.Destination,
      })),
      paused: c.State === 'paused',
    },
  };
}

export function toImage(i: Dockerode.ImageInfo): RemoteImage {
  const tag = i.RepoTags?.find((t) => t !== '<none>:<none>');
  return {
    externalId: i.Id,
    name: tag ?? i.Id.replace(/^sha256:/, '').slice(0, 12),
    os: null,
    isPublic: false,
    extra: {
      tags: i.RepoTags ?? [],
      sizeBytes: i.Size,
      created: new Date(i.Created * 1000).toISOString(),
      containers: i.Containers,
    },
  };
}

export function toVolume(
  v: Dockerode.VolumeInspectInfo & { CreatedAt?: string },
  usedBy: string[],
  host: string,
): RemoteVolume {
  return {
    externalId: v.Name,
    name: v.Name,
    sizeGb: 0,
    // Docker volumes have no status of their own: used by a container or not.
    state: usedBy.length > 0 ? 'in-use' : 'available',
    rawState: '',
    location: host,
    attachedTo: usedBy,
    createdAt: v.CreatedAt ? new Date(v.CreatedAt) : null,
    tags: { ...(v.Labels ?? {}) },
    extra: { driver: v.Driver, mountpoint: v.Mountpoint, scope: v.Scope },
  };
}
