import { randomBytes } from 'node:crypto';
import { machineAddress } from '../common/addresses';
import { Timeline } from '../common/timeline';
import { ApiError, isObject, isoSeconds, type SimTiming } from '../common/token-api';
import { md5Fingerprint, parsePublicKey } from '../digitalocean/ssh-keys';
import {
  findImage,
  findLocation,
  findServerType,
  type HzImage,
  type HzLocation,
  type HzServerType,
  IMAGES,
  LOCATIONS,
  SERVER_TYPES,
} from './catalog';
import { HzSnapshots } from './images';
import { HzNetworking } from './networks';
import { HzZones } from './zones';

export type HzServerStatus = 'initializing' | 'starting' | 'running' | 'stopping' | 'off' | 'rebuilding';

export interface SimHzServer {
  id: number;
  name: string;
  status: HzServerStatus;
  type: HzServerType;
  /** The primary disk in GB: its type's, or smaller after a `change_type` that kept the disk. */
  diskGb: number;
  image: HzImage;
  location: HzLocation;
  created: string;
  labels: Record<string, string>;
  publicIpv4: string;
  privateIp: string;
  volumeIds: number[];
  sshKeyIds: number[];
  userData: string | null;
  /** A guest that ignores ACPI: `shutdown` succeeds but the server keeps running. */
  ignoresShutdown: boolean;
  /** Delete protection, set in Hetzner's console: deleting answers 403 `protected`. */
  deleteProtected?: boolean;
}

export interface SimHzVolume {
  id: number;
  name: string;
  size: number;
  location: HzLocation;
  server: number | null;
  status: 'creating' | 'available';
  created: string;
  labels: Record<string, string>;
}

export interface SimHzAction {
  id: number;
  command: string;
  status: 'running' | 'success' | 'error';
  started: string;
  finished: string | null;
  resources: Array<{ id: number; type: 'server' | 'volume' | 'network' | 'firewall' | 'zone' }>;
}

export interface SimHzSshKey {
  id: number;
  name: string;
  publicKey: string;
  fingerprint: string;
}

/** Ids are unique across the emulator, as they are across Hetzner Cloud. */
export class HzIds {
  private n = 40_000_000;
  next = () => ++this.n;
}

const NAME = /^[a-zA-Z0-9]([a-zA-Z0-9.-]{0,61}[a-zA-Z0-9])?$/;
const LABEL_KEY =
  /^([a-z0-9A-Z]([a-z0-9A-Z._-]{0,61}[a-z0-9A-Z])?\/)?[a-z0-9A-Z]([a-z0-9A-Z._-]{0,61}[a-z0-9A-Z])?$/;
const LABEL_VALUE = /^([a-z0-9A-Z]([a-z0-9A-Z._-]{0,61}[a-z0-9A-Z])?)?$/;
const MAX_USER_DATA = 32 * 1024;

export const invalidInput = (field: string) =>
  new ApiError(400, 'invalid_input', `invalid input in field '${field}'`);
const notFound = (what: string, id: number | string) =>
  new ApiError(404, 'not_found', `${what} with ID '${id}' not found`);
const locked = () => new ApiError(423, 'locked', 'server is locked');

function labelsFrom(raw: unknown): Record<string, string> {
  if (raw === undefined) return {};
  if (!isObject(raw)) throw invalidInput('labels');
  for (const [k, v] of Object.entries(raw)) {
    if (!LABEL_KEY.test(k) || typeof v !== 'string' || !LABEL_VALUE.test(v)) throw invalidInput('labels');
  }
  return { ...(raw as Record<string, string>) };
}

/** One Hetzner Cloud project: everything its API token can see. */
export class HzProject {
  readonly servers = new Map<number, SimHzServer>();
  readonly volumes = new Map<number, SimHzVolume>();
  readonly actions = new Map<number, SimHzAction>();
  readonly keys = new Map<number, SimHzSshKey>();
  private readonly timeline = new Timeline();
  /** Servers with an action under way: Hetzner refuses another one until it ends. */
  private readonly busy = new Set<number>();
  /** Private networks and firewalls; they change at once, so their actions end at once. */
  readonly net = new HzNetworking<SimHzAction>({
    nextId: () => this.ids.next(),
    serverLabels: (id) => this.servers.get(id)?.labels,
    serverIds: () => [...this.servers.keys()],
    action: (command, resources) => this.action(command, resources, 0),
  });
  /** DNS zones and their record sets; they change at once, so their actions answer as done. */
  readonly dns = new HzZones<SimHzAction>({
    nextId: () => this.ids.next(),
    action: (command, resources) => {
      const action = this.action(command, resources, 0);
      this.settle();
      return action;
    },
  });
  /** Snapshots (images of type `snapshot`) and rebuilds from images. */
  readonly images = new HzSnapshots<SimHzAction>({
    nextId: () => this.ids.next(),
    settle: () => this.settle(),
    idleServer: (id) => this.idleServer(id),
    action: (command, id, effect) =>
      this.action(command, [{ id, type: 'server' }], this.timing.actionDelayMs, effect),
  });

  constructor(
    private readonly ids: HzIds,
    readonly timing: SimTiming,
  ) {}

  settle(): void {
    this.timeline.settle();
  }

  /**
   * Seeds `count` deterministic servers named `<prefix>-000000`...; every tenth is off. They share
   * one private network, `<prefix>-net`, as a project's servers often do.
   */
  seed(count: number, prefix: string): void {
    const epoch = Date.UTC(2024, 0, 1);
    const network = this.net.createNetwork({
      name: `${prefix}-net`,
      ip_range: '10.0.0.0/16',
      subnets: [{ type: 'cloud', ip_range: '10.0.0.0/24', network_zone: 'eu-central' }],
    });
    for (let i = 0; i < count; i++) {
      const id = this.ids.next();
      const type = SERVER_TYPES[i % 4]!;
      this.servers.set(id, {
        id,
        name: `${prefix}-${String(i).padStart(6, '0')}`,
        status: i % 10 === 9 ? 'off' : 'running',
        type,
        diskGb: type.disk,
        image: IMAGES[i % IMAGES.length]!,
        location: LOCATIONS[i % 3]!,
        created: isoSeconds(epoch + i * 60_000, '+00:00'),
        labels: i % 2 === 0 ? { env: 'prod' } : {},
        publicIpv4: machineAddress('hetzner', 'public', id),
        privateIp: machineAddress('hetzner', 'private', id),
        volumeIds: [],
        sshKeyIds: [],
        userData: null,
        ignoresShutdown: false,
      });
      this.net.attach(id, network.id, machineAddress('hetzner', 'private', id));
    }
  }

  private action(
    command: string,
    resources: SimHzAction['resources'],
    delayMs: number,
    effect?: () => void,
  ): SimHzAction {
    const action: SimHzAction = {
      id: this.ids.next(),
      command,
      status: 'running',
      started: isoSeconds(Date.now(), '+00:00'),
      finished: null,
      resources,
    };
    this.actions.set(action.id, action);
    const servers = resources.filter((r) => r.type === 'server').map((r) => r.id);
    for (const s of servers) this.busy.add(s);
    this.timeline.schedule(delayMs, () => {
      effect?.();
      action.status = 'success';
      action.finished = isoSeconds(Date.now(), '+00:00');
      for (const s of servers) this.busy.delete(s);
    });
    return action;
  }

  server(id: number): SimHzServer {
    this.settle();
    const server = this.servers.get(id);
    if (!server) throw notFound('server', id);
    return server;
  }

  volume(id: number): SimHzVolume {
    this.settle();
    const volume = this.volumes.get(id);
    if (!volume) throw notFound('volume', id);
    return volume;
  }

  listServers(name: string | null): SimHzServer[] {
    this.settle();
    const all = [...this.servers.values()];
    return name ? all.filter((s) => s.name === name) : all;
  }

  createServer(body: unknown): { server: SimHzServer; action: SimHzAction; rootPassword: string | null } {
    if (!isObject(body)) throw invalidInput('body');
    const { name } = body;
    if (typeof name !== 'string' || !NAME.test(name)) throw invalidInput('name');
    const type = findServerType(body.server_type);
    if (!type) throw invalidInput('server_type');
    const image = findImage(body.image);
    if (!image) throw invalidInput('image');
    const location = findLocation(body.location ?? 'fsn1');
    if (!location) throw invalidInput('location');
    if (!type.prices.some((p) => p.location === location.name))
      throw new ApiError(
        412,
        'resource_unavailable',
        `server type ${type.name} is unavailable in location ${location.name}`,
      );
    const labels = labelsFrom(body.labels);
    const sshKeyIds = this.resolveKeys(body.ssh_keys);
    const userData = body.user_data ?? null;
    if (userData !== null && (typeof userData !== 'string' || userData.length > MAX_USER_DATA))
      throw invalidInput('user_data');
    if ([...this.servers.values()].some((s) => s.name === name))
      throw new ApiError(409, 'uniqueness_error', 'server name is already used');
    const id = this.ids.next();
    const server: SimHzServer = {
      id,
      name,
      status: 'initializing',
      type,
      diskGb: type.disk,
      image,
      location,
      created: isoSeconds(Date.now(), '+00:00'),
      labels,
      publicIpv4: machineAddress('hetzner', 'public', id),
      privateIp: machineAddress('hetzner', 'private', id),
      volumeIds: [],
      sshKeyIds,
      userData,
      ignoresShutdown: false,
    };
    this.servers.set(id, server);
    const action = this.action('create_server', [{ id, type: 'server' }], this.timing.bootDelayMs, () => {
      if (server.status === 'initializing') server.status = 'running';
    });
    return {
      server,
      action,
      rootPassword: sshKeyIds.length > 0 ? null : randomBytes(12).toString('base64url'),
    };
  }

  private resolveKeys(refs: unknown): number[] {
    if (refs === undefined) return [];
    if (!Array.isArray(refs)) throw invalidInput('ssh_keys');
    return refs.map((ref) => {
      const key = [...this.keys.values()].find((k) => k.id === ref || k.name === ref || String(k.id) === ref);
      if (!key) throw invalidInput('ssh_keys');
      return key.id;
    });
  }

  updateServer(id: number, body: unknown): SimHzServer {
    const server = this.server(id);
    if (!isObject(body)) throw invalidInput('body');
    if (body.name !== undefined) {
      if (typeof body.name !== 'string' || !NAME.test(body.name)) throw invalidInput('name');
      if ([...this.servers.values()].some((s) => s.name === body.name && s.id !== id))
        throw new ApiError(409, 'uniqueness_error', 'server name is already used');
    }
    const labels = body.labels === undefined ? undefined : labelsFrom(body.labels);
    if (typeof body.name === 'string') server.name = body.name;
    if (labels) server.labels = labels;
    return server;
  }

  deleteServer(id: number): SimHzAction {
    const server = this.server(id);
    if (server.deleteProtected) throw new ApiError(403, 'protected', 'server deletion is protected');
    for (const v of server.volumeIds) {
      const volume = this.volumes.get(v);
      if (volume) volume.server = null;
    }
    this.servers.delete(id);
    this.net.forget(id);
    this.busy.delete(id);
    return this.action('delete_server', [{ id, type: 'server' }], 0);
  }

  /** The server, refused while an action of its own still runs (Hetzner's 423 `locked`). */
  idleServer(id: number): SimHzServer {
    const server = this.server(id);
    if (this.busy.has(id)) throw locked();
    return server;
  }

  /**
   * `change_type`: only a server that is off, to a type of its architecture offered in its
   * location whose disk holds the server's; `upgrade_disk: false` keeps the disk, so the server
   * can go back down later.
   */
  changeType(id: number, body: unknown): SimHzAction {
    const server = this.idleServer(id);
    if (!isObject(body)) throw invalidInput('body');
    const type = findServerType(body.server_type);
    if (!type) throw invalidInput('server_type');
    if (typeof body.upgrade_disk !== 'boolean') throw invalidInput('upgrade_disk');
    if (server.status !== 'off')
      throw new ApiError(412, 'server_not_stopped', 'server must be stopped before changing its type');
    const fits =
      !type.deprecated &&
      type.architecture === server.type.architecture &&
      type.disk >= server.diskGb &&
      type.prices.some((p) => p.location === server.location.name);
    if (!fits)
      throw new ApiError(
        412,
        'invalid_server_type',
        `server type ${type.name} does not fit for the given server`,
      );
    const upgradeDisk = body.upgrade_disk;
    return this.action('change_server_type', [{ id, type: 'server' }], this.timing.actionDelayMs, () => {
      server.type = type;
      if (upgradeDisk) server.diskGb = type.disk;
    });
  }

  /** poweron, poweroff, shutdown, reboot, reset: Hetzner accepts them in any state. */
  serverAction(id: number, command: string): SimHzAction {
    const server = this.idleServer(id);
    const resources: SimHzAction['resources'] = [{ id, type: 'server' }];
    const delay = this.timing.actionDelayMs;
    switch (command) {
      case 'poweron':
        if (server.status !== 'off') return this.action(command, resources, 0);
        server.status = 'starting';
        return this.action(command, resources, delay, () => {
          server.status = 'running';
        });
      case 'shutdown':
        if (server.status === 'off' || server.ignoresShutdown) return this.action(command, resources, delay);
        server.status = 'stopping';
        return this.action(command, resources, delay, () => {
          server.status = 'off';
        });
      case 'poweroff':
        if (server.status === 'off') return this.action(command, resources, 0);
        server.status = 'stopping';
        return this.action(command, resources, delay, () => {
          server.status = 'off';
        });
      case 'reboot':
      case 'reset':
        return this.action(command, resources, delay, () => {
          server.status = 'running';
        });
      default:
        throw new ApiError(404, 'not_found', `action '${command}' not found`);
    }
  }

  listVolumes(name: string | null): SimHzVolume[] {
    this.settle();
    const all = [...this.volumes.values()];
    return name ? all.filter((v) => v.name === name) : all;
  }

  createVolume(body: unknown): { volume: SimHzVolume; action: SimHzAction } {
    if (!isObject(body)) throw invalidInput('body');
    const { name, size } = body;
    if (typeof name !== 'string' || !NAME.test(name)) throw invalidInput('name');
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 10 || size > 10_240)
      throw invalidInput('size');
    const server = body.server === undefined ? undefined : this.server(Number(body.server));
    const location = server ? server.location : findLocation(body.location);
    if (!location) throw invalidInput('location');
    if ([...this.volumes.values()].some((v) => v.name === name))
      throw new ApiError(409, 'uniqueness_error', 'volume name is already used');
    const id = this.ids.next();
    const volume: SimHzVolume = {
      id,
      name,
      size,
      location,
      server: server?.id ?? null,
      status: 'creating',
      created: isoSeconds(Date.now(), '+00:00'),
      labels: labelsFrom(body.labels),
    };
    this.volumes.set(id, volume);
    server?.volumeIds.push(id);
    const action = this.action('create_volume', [{ id, type: 'volume' }], this.timing.bootDelayMs, () => {
      volume.status = 'available';
    });
    return { volume, action };
  }

  attachVolume(id: number, body: unknown): SimHzAction {
    const volume = this.volume(id);
    const serverId = isObject(body) ? body.server : undefined;
    if (typeof serverId !== 'number') throw invalidInput('server');
    const server = this.server(serverId);
    if (volume.server !== null) throw new ApiError(409, 'conflict', 'volume is already attached to a server');
    if (server.location.name !== volume.location.name)
      throw new ApiError(422, 'unprocessable_entity', 'volume and server must be in the same location');
    volume.server = server.id;
    server.volumeIds.push(id);
    return this.action(
      'attach_volume',
      [
        { id, type: 'volume' },
        { id: server.id, type: 'server' },
      ],
      0,
    );
  }

  detachVolume(id: number): SimHzAction {
    const volume = this.volume(id);
    if (volume.server === null) throw new ApiError(409, 'conflict', 'volume is not attached to a server');
    const server = this.servers.get(volume.server);
    if (server) server.volumeIds = server.volumeIds.filter((v) => v !== id);
    volume.server = null;
    return this.action('detach_volume', [{ id, type: 'volume' }], 0);
  }

  deleteVolume(id: number): void {
    const volume = this.volume(id);
    if (volume.server !== null) throw new ApiError(423, 'locked', 'volume is attached to a server');
    this.volumes.delete(id);
  }

  listKeys(fingerprint: string | null): SimHzSshKey[] {
    const all = [...this.keys.values()];
    return fingerprint ? all.filter((k) => k.fingerprint === fingerprint) : all;
  }

  createKey(body: unknown): SimHzSshKey {
    if (!isObject(body) || typeof body.name !== 'string' || body.name === '') throw invalidInput('name');
    const parsed = parsePublicKey(body.public_key);
    if (!parsed) throw invalidInput('public_key');
    const fingerprint = md5Fingerprint(parsed.blob);
    if ([...this.keys.values()].some((k) => k.fingerprint === fingerprint || k.name === body.name))
      throw new ApiError(409, 'uniqueness_error', 'SSH key with the same fingerprint already exists');
    const key = {
      id: this.ids.next(),
      name: body.name,
      publicKey: String(body.public_key).trim(),
      fingerprint,
    };
    this.keys.set(key.id, key);
    return key;
  }

  getAction(id: number): SimHzAction {
    this.settle();
    const action = this.actions.get(id);
    if (!action) throw notFound('action', id);
    return action;
  }
}
