import { createHash, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { machineAddress } from '../common/addresses';
import { addressIn, readV4Cidr } from '../common/cidr';
import { EngineError } from './engine-error';
import { NetworkTable, predefinedNetworks } from './networks';

// The state of one emulated Docker engine: containers, images, volumes, networks and the event log,
// following the Engine API reference (https://docs.docker.com/reference/api/engine/).

export type ContainerStatus = 'created' | 'running' | 'paused' | 'restarting' | 'exited' | 'dead';

export interface SimPort {
  privatePort: number;
  type: 'tcp' | 'udp';
  /** Host side, when published. */
  publicPort?: number;
  hostIp?: string;
}

export interface SimMount {
  /** Named volume, or null for a bind mount. */
  volume: string | null;
  source: string;
  destination: string;
  /** Created with the container for an image VOLUME or an unnamed `-v /path`. */
  anonymous: boolean;
}

export interface SimContainer {
  id: string;
  name: string;
  image: string;
  imageId: string;
  cmd: string[];
  env: string[];
  labels: Record<string, string>;
  ports: SimPort[];
  mounts: SimMount[];
  restartPolicy: { Name: string; MaximumRetryCount: number };
  status: ContainerStatus;
  exitCode: number;
  pid: number;
  created: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** Network name -> address while running. */
  networks: Record<string, { ip: string; gateway: string; mac: string; networkId: string }>;
  /** Networks it is connected to (addresses only while running). */
  networkNames: string[];
}

export interface SimImage {
  id: string;
  repoTags: string[];
  size: number;
  created: Date;
  labels: Record<string, string>;
  /** Whether /bin/sh exists in it, for exec. */
  hasShell: boolean;
}

export interface SimVolume {
  name: string;
  driver: string;
  labels: Record<string, string>;
  created: Date;
  anonymous: boolean;
}

export interface SimEvent {
  Type: 'container' | 'image' | 'volume' | 'network';
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  scope: 'local';
  time: number;
  timeNano: number;
  /** Deprecated fields still sent by the engine for containers and images. */
  status?: string;
  id?: string;
  from?: string;
}

export { EngineError } from './engine-error';

/** Images a `docker pull` can fetch from the emulated registry, with their size in bytes. */
export const REGISTRY: Record<string, { size: number; hasShell: boolean }> = {
  'alpine:3.20': { size: 7_800_000, hasShell: true },
  'alpine:latest': { size: 7_800_000, hasShell: true },
  'nginx:1.27': { size: 192_000_000, hasShell: true },
  'nginx:latest': { size: 192_000_000, hasShell: true },
  'redis:7': { size: 117_000_000, hasShell: true },
  'postgres:16': { size: 432_000_000, hasShell: true },
  'busybox:latest': { size: 4_300_000, hasShell: true },
  'gcr.io/distroless/static:latest': { size: 2_000_000, hasShell: false },
};

/** "nginx" -> "nginx:latest"; digests and tags are kept. */
export function normalizeRef(ref: string): string {
  if (ref.includes('@')) return ref;
  const lastSlash = ref.lastIndexOf('/');
  return ref.slice(lastSlash + 1).includes(':') ? ref : `${ref}:latest`;
}

const hex64 = () => randomBytes(32).toString('hex');
/** The bridge's own address, the first of the block; containers take the next ones. */
const BRIDGE_GATEWAY = machineAddress('docker', 'private', 1);
const BRIDGE_SUBNET = `${BRIDGE_GATEWAY.split('.').slice(0, 2).join('.')}.0.0/16`;

export class DockerEngine extends EventEmitter {
  readonly containers = new Map<string, SimContainer>();
  readonly images = new Map<string, SimImage>();
  readonly volumes = new Map<string, SimVolume>();
  readonly networks = new NetworkTable(predefinedNetworks(BRIDGE_SUBNET, BRIDGE_GATEWAY));
  /** Recent events, for `since` on /events. */
  readonly history: SimEvent[] = [];
  readonly engineId = hex64().slice(0, 36);
  private nextIp = 2;
  private nextPid = 1000;

  constructor(
    readonly info: { name: string; cpus: number; memoryBytes: number; version: string; os: string } = {
      name: 'docker-sim',
      cpus: 4,
      memoryBytes: 8 * 1024 ** 3,
      version: '27.3.1',
      os: 'Debian GNU/Linux 12 (bookworm)',
    },
  ) {
    super();
    this.setMaxListeners(0);
  }

  // ---------- lookups

  /** By full id, unique id prefix, or name (with or without the leading slash). */
  container(ref: string): SimContainer {
    const name = ref.replace(/^\//, '');
    const exact = this.containers.get(ref);
    if (exact) return exact;
    for (const c of this.containers.values()) if (c.name === name) return c;
    const byPrefix = [...this.containers.values()].filter((c) => ref.length >= 3 && c.id.startsWith(ref));
    if (byPrefix.length === 1) return byPrefix[0] as SimContainer;
    throw new EngineError(404, `No such container: ${ref}`);
  }

  image(ref: string): SimImage | undefined {
    const want = normalizeRef(ref);
    for (const i of this.images.values()) {
      if (i.repoTags.includes(want) || i.id === ref || i.id === `sha256:${ref}`) return i;
    }
    return undefined;
  }

  // ---------- events

  emitEvent(type: SimEvent['Type'], action: string, id: string, attributes: Record<string, string>): void {
    const now = Date.now();
    const event: SimEvent = {
      Type: type,
      Action: action,
      Actor: { ID: id, Attributes: attributes },
      scope: 'local',
      time: Math.floor(now / 1000),
      timeNano: now * 1_000_000,
    };
    if (type === 'container' || type === 'image') {
      event.status = action;
      event.id = id;
      if (attributes.image) event.from = attributes.image;
    }
    this.history.push(event);
    if (this.history.length > 1000) this.history.shift();
    this.emit('event', event);
  }

  private containerEvent(c: SimContainer, action: string, extra: Record<string, string> = {}): void {
    this.emitEvent('container', action, c.id, { ...c.labels, image: c.image, name: c.name, ...extra });
  }

  // ---------- images

  addImage(ref: string, options: { hasShell?: boolean; size?: number } = {}): SimImage {
    const tag = normalizeRef(ref);
    const known = REGISTRY[tag];
    const existing = this.image(tag);
    if (existing) return existing;
    const image: SimImage = {
      id: `sha256:${createHash('sha256').update(tag).digest('hex')}`,
      repoTags: [tag],
      size: options.size ?? known?.size ?? 50_000_000,
      created: new Date(Date.UTC(2024, 5, 1)),
      labels: {},
      hasShell: options.hasShell ?? known?.hasShell ?? true,
    };
    this.images.set(image.id, image);
    return image;
  }

  // ---------- volumes

  createVolume(name: string | undefined, labels: Record<string, string> = {}, anonymous = false): SimVolume {
    const volumeName = name || hex64();
    const existing = this.volumes.get(volumeName);
    if (existing) return existing;
    const volume: SimVolume = { name: volumeName, driver: 'local', labels, created: new Date(), anonymous };
    this.volumes.set(volumeName, volume);
    this.emitEvent('volume', 'create', volumeName, { driver: 'local' });
    return volume;
  }

  removeVolume(name: string, force = false): void {
    if (!this.volumes.has(name)) throw new EngineError(404, `get ${name}: no such volume`);
    const users = [...this.containers.values()].filter((c) => c.mounts.some((m) => m.volume === name));
    if (users.length > 0 && !force) {
      throw new EngineError(409, `remove ${name}: volume is in use - [${users.map((c) => c.id).join(', ')}]`);
    }
    this.volumes.delete(name);
    this.emitEvent('volume', 'destroy', name, { driver: 'local' });
  }

  // ---------- containers

  createContainer(spec: {
    name?: string;
    image: string;
    cmd?: string[];
    env?: string[];
    labels?: Record<string, string>;
    ports?: SimPort[];
    binds?: string[];
    anonymousVolumes?: string[];
    restartPolicy?: { Name: string; MaximumRetryCount?: number };
    /** HostConfig.NetworkMode: a network's name or id; the default bridge otherwise. */
    networkMode?: string;
  }): SimContainer {
    const image = this.image(spec.image);
    if (!image) throw new EngineError(404, `No such image: ${normalizeRef(spec.image)}`);
    const network =
      spec.networkMode && spec.networkMode !== 'default' ? this.networks.find(spec.networkMode) : null;
    const name = spec.name || `sim_${hex64().slice(0, 8)}`;
    if (!/^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/.test(name)) {
      throw new EngineError(
        400,
        `Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`,
      );
    }
    for (const c of this.containers.values()) {
      if (c.name === name.replace(/^\//, '')) {
        throw new EngineError(
          409,
          `Conflict. The container name "/${c.name}" is already in use by container "${c.id}". You have to remove (or rename) that container to be able to reuse that name.`,
        );
      }
    }
    const mounts: SimMount[] = [];
    for (const bind of spec.binds ?? []) {
      const [source = '', destination = ''] = bind.split(':');
      if (!destination.startsWith('/')) {
        throw new EngineError(400, `invalid volume specification: '${bind}'`);
      }
      if (source.startsWith('/')) mounts.push({ volume: null, source, destination, anonymous: false });
      else {
        this.createVolume(source);
        mounts.push({
          volume: source,
          source: `/var/lib/docker/volumes/${source}/_data`,
          destination,
          anonymous: false,
        });
      }
    }
    for (const destination of spec.anonymousVolumes ?? []) {
      const v = this.createVolume(undefined, {}, true);
      mounts.push({
        volume: v.name,
        source: `/var/lib/docker/volumes/${v.name}/_data`,
        destination,
        anonymous: true,
      });
    }
    const c: SimContainer = {
      id: hex64(),
      name: name.replace(/^\//, ''),
      image: spec.image,
      imageId: image.id,
      cmd: spec.cmd ?? ['sh'],
      env: spec.env ?? [],
      labels: spec.labels ?? {},
      ports: spec.ports ?? [],
      mounts,
      restartPolicy: {
        Name: spec.restartPolicy?.Name ?? 'no',
        MaximumRetryCount: spec.restartPolicy?.MaximumRetryCount ?? 0,
      },
      status: 'created',
      exitCode: 0,
      pid: 0,
      created: new Date(),
      startedAt: null,
      finishedAt: null,
      networks: {},
      networkNames: [network?.name ?? 'bridge'],
    };
    this.containers.set(c.id, c);
    this.containerEvent(c, 'create');
    return c;
  }

  /** Returns false when it was already running (the engine answers 304). */
  start(ref: string): boolean {
    const c = this.container(ref);
    if (c.status === 'running') return false;
    if (c.status === 'paused') {
      throw new EngineError(409, `cannot start a paused container, try unpause instead`);
    }
    c.status = 'running';
    c.pid = this.nextPid++;
    c.startedAt = new Date();
    c.exitCode = 0;
    for (const name of c.networkNames) {
      const net = this.networks.find(name);
      // host and none give a container no address of its own.
      if (!net.gateway) continue;
      const n = this.nextIp++;
      const range = net.predefined || !net.subnet ? null : readV4Cidr(net.subnet);
      c.networks[name] = {
        ip: range ? addressIn(range, n) : machineAddress('docker', 'private', n),
        gateway: net.gateway,
        mac: `02:42:ac:11:${(Math.floor(n / 250) % 256).toString(16).padStart(2, '0')}:${(n % 250).toString(16).padStart(2, '0')}`,
        networkId: net.id,
      };
    }
    this.containerEvent(c, 'start');
    return true;
  }

  private halt(c: SimContainer, exitCode: number): void {
    c.status = 'exited';
    c.exitCode = exitCode;
    c.pid = 0;
    c.finishedAt = new Date();
    c.networks = {};
    this.containerEvent(c, 'die', { exitCode: String(exitCode) });
  }

  /** Returns false when it was not running (304). */
  stop(ref: string): boolean {
    const c = this.container(ref);
    if (c.status !== 'running' && c.status !== 'paused') return false;
    this.containerEvent(c, 'kill', { signal: '15' });
    this.halt(c, 0);
    this.containerEvent(c, 'stop');
    return true;
  }

  kill(ref: string, signal = 'SIGKILL'): void {
    const c = this.container(ref);
    if (c.status !== 'running') throw new EngineError(409, `Container ${c.id} is not running`);
    this.containerEvent(c, 'kill', { signal });
    this.halt(c, 137);
  }

  restart(ref: string): void {
    const c = this.container(ref);
    if (c.status === 'running' || c.status === 'paused') {
      this.containerEvent(c, 'kill', { signal: '15' });
      this.halt(c, 0);
    }
    this.start(c.id);
    this.containerEvent(c, 'restart');
  }

  pause(ref: string): void {
    const c = this.container(ref);
    if (c.status === 'paused') throw new EngineError(409, `Container ${c.id} is already paused`);
    if (c.status !== 'running') throw new EngineError(409, `Container ${c.id} is not running`);
    c.status = 'paused';
    this.containerEvent(c, 'pause');
  }

  unpause(ref: string): void {
    const c = this.container(ref);
    if (c.status !== 'paused') throw new EngineError(409, `Container ${c.id} is not paused`);
    c.status = 'running';
    this.containerEvent(c, 'unpause');
  }

  rename(ref: string, name: string): void {
    const c = this.container(ref);
    const clean = name.replace(/^\//, '');
    if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/.test(clean)) {
      throw new EngineError(
        400,
        `Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`,
      );
    }
    for (const other of this.containers.values()) {
      if (other.id !== c.id && other.name === clean) {
        throw new EngineError(
          409,
          `Error when allocating new name: Conflict. The container name "/${clean}" is already in use by container "${other.id}". You have to remove (or rename) that container to be able to reuse that name.`,
        );
      }
    }
    const oldName = c.name;
    c.name = clean;
    this.containerEvent(c, 'rename', { oldName: `/${oldName}` });
  }

  remove(ref: string, options: { force?: boolean; volumes?: boolean } = {}): void {
    const c = this.container(ref);
    if ((c.status === 'running' || c.status === 'paused') && !options.force) {
      throw new EngineError(
        409,
        `cannot remove container "/${c.name}": container is ${c.status}: stop the container before removing or force remove`,
      );
    }
    if (c.status === 'running' || c.status === 'paused') {
      this.containerEvent(c, 'kill', { signal: '9' });
      this.halt(c, 137);
    }
    this.containers.delete(c.id);
    this.containerEvent(c, 'destroy');
    if (options.volumes) {
      for (const m of c.mounts) if (m.anonymous && m.volume) this.removeVolume(m.volume, true);
    }
  }
}
