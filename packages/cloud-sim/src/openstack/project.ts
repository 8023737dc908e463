// One OpenStack project's servers, volumes and key pairs, per region, changing over a short
// timeline as Nova and Cinder do: BUILD then ACTIVE, powering-off then SHUTOFF, attaching then
// in-use. Refusals are in Nova's and Cinder's words.

import { createHash } from 'node:crypto';
import { machineAddress } from '../common/addresses';
import { Timeline } from '../common/timeline';
import { isObject, isoSeconds, type SimTiming } from '../common/token-api';
import { parsePublicKey } from '../digitalocean/ssh-keys';
import { FLAVORS, findFlavor, findImage, IMAGES, type OsImage, ZONES } from './catalog';
import { Designate } from './designate';
import { badRequest, conflicting, itemNotFound, OsError } from './errors';
import { OsNeutron } from './neutron';
import { type NovaStatus, type SimOsServer, vmState } from './server';
import { confirmResize, createImage, rebuild, resize } from './server-images';

export interface SimOsVolume {
  id: string;
  name: string;
  region: string;
  size: number;
  zone: string;
  status: 'creating' | 'available' | 'attaching' | 'in-use' | 'detaching' | 'deleting';
  serverId: string | null;
  created: string;
}

export interface SimOsKeypair {
  name: string;
  publicKey: string;
  fingerprint: string;
}

const MAX_USER_DATA = 65_535;
/** The ids are UUIDs, derived from a counter so seeded clouds are the same on every run. */
let counter = 0;
const uuid = (n: number) => {
  const hex = createHash('sha1').update(`overcast-openstack-${n}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};

const mustBeName = (raw: unknown, field: string) => {
  if (typeof raw !== 'string' || raw.trim() === '' || raw.length > 255 || /[\0\n]/.test(raw))
    throw badRequest(
      `Invalid input for field/attribute ${field}. Value: ${String(raw)}. '${String(raw)}' does not match '^(?! )[^\\x00-\\x1f]*(?<! )$'`,
    );
  return raw;
};

export class OsProject {
  readonly servers = new Map<string, SimOsServer>();
  readonly volumes = new Map<string, SimOsVolume>();
  readonly keypairs = new Map<string, SimOsKeypair>();
  /** The project's own Glance images: snapshots of its servers (createImage). */
  readonly images = new Map<string, OsImage>();
  readonly timeline = new Timeline();
  private readonly neutrons = new Map<string, OsNeutron>();
  /** Designate's zones: one DNS per project, whichever region's endpoint is asked. */
  readonly designate: Designate;

  constructor(
    readonly id: string,
    readonly name: string,
    readonly timing: SimTiming,
  ) {
    this.designate = new Designate(this.timeline, timing.actionDelayMs);
  }

  nextNumber(): number {
    counter += 1;
    return counter;
  }

  settle(): void {
    this.timeline.settle();
  }

  /** Neutron in `region`: its networks, subnets, security groups and the servers' ports. */
  neutron(region: string): OsNeutron {
    let neutron = this.neutrons.get(region);
    if (!neutron) {
      neutron = new OsNeutron({ servers: () => this.listServers(region) });
      this.neutrons.set(region, neutron);
    }
    return neutron;
  }

  /** Seeds `count` servers named `<prefix>-000000`... in `region`; every tenth is SHUTOFF, every fifth has no floating IP. */
  seed(count: number, prefix: string, region: string): void {
    const epoch = Date.UTC(2024, 0, 1);
    for (let i = 0; i < count; i++) {
      const n = this.nextNumber();
      const created = isoSeconds(epoch + i * 60_000);
      this.servers.set(uuid(n), {
        id: uuid(n),
        name: `${prefix}-${String(i).padStart(6, '0')}`,
        region,
        status: i % 10 === 9 ? 'SHUTOFF' : 'ACTIVE',
        taskState: null,
        flavor: FLAVORS[i % 4]!,
        image: IMAGES[i % 4]!,
        zone: ZONES[i % ZONES.length]!,
        created,
        updated: created,
        metadata: i % 2 === 0 ? { env: 'prod' } : {},
        fixedIp: machineAddress('openstack', 'private', n),
        floatingIp: i % 5 === 4 ? null : machineAddress('openstack', 'public', n),
        keyName: null,
        userData: null,
        volumeIds: [],
      });
    }
  }

  /** Servers newest first, as Nova lists them by default (created_at desc). */
  listServers(region: string): SimOsServer[] {
    this.settle();
    return [...this.servers.values()]
      .filter((s) => s.region === region)
      .sort((a, b) => b.created.localeCompare(a.created) || b.id.localeCompare(a.id));
  }

  server(region: string, id: string): SimOsServer {
    this.settle();
    const server = this.servers.get(id);
    if (!server || server.region !== region) throw itemNotFound(`Instance ${id} could not be found.`);
    return server;
  }

  createServer(region: string, body: unknown, microversion: string | null): SimOsServer {
    const server = isObject(body) ? body.server : undefined;
    if (!isObject(server))
      throw badRequest(
        "Invalid input for field/attribute server. Value: None. 'server' is a required property",
      );
    const name = mustBeName(server.name, 'name');
    const flavor = findFlavor(server.flavorRef);
    if (!flavor) throw badRequest(`Flavor ${String(server.flavorRef)} could not be found.`);
    const image = this.image(region, server.imageRef);
    if (!image) throw badRequest('Can not find requested image');
    const zone = server.availability_zone ?? ZONES[0];
    if (typeof zone !== 'string' || !ZONES.includes(zone))
      throw badRequest(`The requested availability zone is not available`);
    if (microversion && compareVersions(microversion, '2.37') >= 0 && server.networks === undefined)
      throw badRequest(
        "Invalid input for field/attribute server. Value: {...}. 'networks' is a required property",
      );
    if (
      server.networks !== undefined &&
      server.networks !== 'auto' &&
      server.networks !== 'none' &&
      !Array.isArray(server.networks)
    )
      throw badRequest(
        `Invalid input for field/attribute networks. Value: ${JSON.stringify(server.networks)}.`,
      );
    const keyName = server.key_name ?? null;
    if (keyName !== null && (typeof keyName !== 'string' || !this.keypairs.has(keyName)))
      throw badRequest('Invalid key_name provided.');
    const metadata = metadataFrom(server.metadata);
    const userData = server.user_data ?? null;
    if (userData !== null) {
      if (
        typeof userData !== 'string' ||
        userData.length > MAX_USER_DATA ||
        !/^[A-Za-z0-9+/]*={0,2}$/.test(userData)
      )
        throw badRequest(
          `Invalid input for field/attribute user_data. Value: ${String(userData).slice(0, 40)}. '${String(userData).slice(0, 40)}' is not a 'base64'`,
        );
    }
    const n = this.nextNumber();
    const now = isoSeconds(Date.now());
    const made: SimOsServer = {
      id: uuid(n),
      name,
      region,
      status: 'BUILD',
      taskState: 'spawning',
      flavor,
      image,
      zone,
      created: now,
      updated: now,
      metadata,
      fixedIp: machineAddress('openstack', 'private', n),
      floatingIp: null,
      keyName,
      userData: userData === null ? null : Buffer.from(userData, 'base64').toString('utf8'),
      volumeIds: [],
    };
    this.servers.set(made.id, made);
    this.timeline.schedule(this.timing.bootDelayMs, () => {
      if (made.status !== 'BUILD') return;
      made.status = 'ACTIVE';
      made.taskState = null;
      made.floatingIp = machineAddress('openstack', 'public', n);
    });
    return made;
  }

  rename(region: string, id: string, body: unknown): SimOsServer {
    const server = this.server(region, id);
    const update = isObject(body) ? body.server : undefined;
    if (!isObject(update))
      throw badRequest("Invalid input for field/attribute server. 'server' is a required property");
    if (update.name !== undefined) server.name = mustBeName(update.name, 'name');
    server.updated = isoSeconds(Date.now());
    return server;
  }

  /** DELETE: the server shows task_state `deleting`, then is gone. */
  deleteServer(region: string, id: string): void {
    const server = this.server(region, id);
    server.taskState = 'deleting';
    this.timeline.schedule(this.timing.actionDelayMs, () => {
      for (const v of server.volumeIds) {
        const volume = this.volumes.get(v);
        if (volume) Object.assign(volume, { status: 'available', serverId: null });
      }
      this.servers.delete(id);
    });
  }

  /** A Glance image the project sees: a public one or its own snapshot in `region`. */
  image(region: string, ref: unknown): OsImage | undefined {
    this.settle();
    const own = typeof ref === 'string' ? this.images.get(ref.replace(/^.*\/images\//, '')) : undefined;
    return own && own.region === region ? own : findImage(ref);
  }

  /** POST /servers/{id}/action: os-start, os-stop, reboot, resize and its confirmation, createImage and rebuild, refused in Nova's words when the state forbids. */
  serverAction(region: string, id: string, body: unknown): OsImage | undefined {
    const server = this.server(region, id);
    if (!isObject(body) || Object.keys(body).length !== 1) throw badRequest('Malformed request body');
    const [name] = Object.keys(body) as [string];
    const short = name.replace(/^os-/, '');
    const refuse = (what: string, state: string) =>
      conflicting(`Cannot '${short}' instance ${id} while it is in ${what} ${state}`);
    // Confirming is what a resized server waits for; anything else waits for the confirmation.
    if (server.taskState) throw refuse('task_state', server.taskState);
    if (server.status === 'VERIFY_RESIZE' && name !== 'confirmResize')
      throw refuse('vm_state', vmState(server));
    const delay = this.timing.actionDelayMs;
    const settleTo = (status: NovaStatus) =>
      this.timeline.schedule(delay, () => {
        server.status = status;
        server.taskState = null;
      });
    switch (name) {
      case 'os-start':
        if (server.status !== 'SHUTOFF') throw refuse('vm_state', vmState(server));
        server.taskState = 'powering-on';
        settleTo('ACTIVE');
        return;
      case 'os-stop':
        if (server.status !== 'ACTIVE' && server.status !== 'ERROR')
          throw refuse('vm_state', vmState(server));
        server.taskState = 'powering-off';
        settleTo('SHUTOFF');
        return;
      case 'reboot': {
        const type = isObject(body.reboot) ? body.reboot.type : undefined;
        if (type !== 'SOFT' && type !== 'HARD')
          throw badRequest(
            `Invalid input for field/attribute type. Value: ${String(type)}. '${String(type)}' is not one of ['HARD', 'Hard', 'hard', 'SOFT', 'Soft', 'soft']`,
          );
        if (server.status !== 'ACTIVE') throw refuse('vm_state', vmState(server));
        server.status = 'REBOOT';
        server.taskState = type === 'SOFT' ? 'rebooting' : 'rebooting_hard';
        settleTo('ACTIVE');
        return;
      }
      case 'resize':
        resize(this, server, body.resize);
        return;
      case 'confirmResize':
        confirmResize(this, server);
        return;
      case 'createImage':
        return createImage(this, server, body.createImage);
      case 'rebuild':
        rebuild(this, server, body.rebuild);
        return;
      default:
        throw badRequest(`There is no such action: ${name}`);
    }
  }

  listVolumes(region: string): SimOsVolume[] {
    this.settle();
    return [...this.volumes.values()]
      .filter((v) => v.region === region)
      .sort((a, b) => b.created.localeCompare(a.created) || b.id.localeCompare(a.id));
  }

  volume(region: string, id: string): SimOsVolume {
    this.settle();
    const volume = this.volumes.get(id);
    if (!volume || volume.region !== region) throw itemNotFound(`Volume ${id} could not be found.`);
    return volume;
  }

  createVolume(region: string, body: unknown): SimOsVolume {
    const raw = isObject(body) ? body.volume : undefined;
    if (!isObject(raw))
      throw badRequest("Invalid input for field/attribute volume. 'volume' is a required property");
    const { size } = raw;
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > 16_384)
      throw badRequest(
        `Invalid input received: Volume size '${String(size)}' must be an integer and greater than 0`,
      );
    const zone = raw.availability_zone ?? ZONES[0];
    if (typeof zone !== 'string' || !ZONES.includes(zone))
      throw badRequest(`Invalid input received: Availability zone '${String(zone)}' is invalid.`);
    const name = raw.name === undefined || raw.name === null ? '' : mustBeName(raw.name, 'name');
    const volume: SimOsVolume = {
      id: uuid(this.nextNumber()),
      name,
      region,
      size,
      zone,
      status: 'creating',
      serverId: null,
      created: new Date().toISOString().replace('Z', ''),
    };
    this.volumes.set(volume.id, volume);
    this.timeline.schedule(this.timing.bootDelayMs, () => {
      if (volume.status === 'creating') volume.status = 'available';
    });
    return volume;
  }

  deleteVolume(region: string, id: string): void {
    const volume = this.volume(region, id);
    if (volume.status !== 'available')
      throw badRequest(
        'Invalid volume: Volume status must be available or error or error_restoring or error_extending or error_managing and must not be migrating, attached, belong to a group, have snapshots, awaiting a transfer, or be disassociated from snapshots after volume transfer.',
      );
    volume.status = 'deleting';
    this.timeline.schedule(this.timing.actionDelayMs, () => this.volumes.delete(id));
  }

  /** Nova's os-volume_attachments: the volume is `attaching`, then `in-use`. */
  attach(region: string, serverId: string, body: unknown): SimOsVolume {
    const server = this.server(region, serverId);
    const raw = isObject(body) ? body.volumeAttachment : undefined;
    const volumeId = isObject(raw) ? raw.volumeId : undefined;
    if (typeof volumeId !== 'string')
      throw badRequest(
        "Invalid input for field/attribute volumeAttachment. 'volumeId' is a required property",
      );
    this.settle();
    const volume = this.volumes.get(volumeId);
    if (!volume || volume.region !== region) throw itemNotFound(`Volume ${volumeId} could not be found.`);
    if (volume.serverId !== null || volume.status !== 'available')
      throw badRequest(
        `Invalid volume: volume ${volumeId} status must be 'available'. Currently in '${volume.status}'`,
      );
    if (volume.zone !== server.zone)
      throw badRequest(
        `Invalid volume: Instance ${serverId} and volume ${volumeId} are not in the same availability_zone. Instance is in ${server.zone}. Volume is in ${volume.zone}`,
      );
    volume.status = 'attaching';
    volume.serverId = server.id;
    server.volumeIds.push(volume.id);
    this.timeline.schedule(Math.min(this.timing.actionDelayMs, 100), () => {
      if (volume.status === 'attaching') volume.status = 'in-use';
    });
    return volume;
  }

  detach(region: string, serverId: string, volumeId: string): void {
    const server = this.server(region, serverId);
    this.settle();
    const volume = this.volumes.get(volumeId);
    if (!volume || volume.serverId !== server.id)
      throw itemNotFound(
        `Volume attachment could not be found with filter: volume_id = ${volumeId} and instance_uuid = ${serverId}.`,
      );
    if (volume.status !== 'in-use')
      throw badRequest(
        `Invalid volume: Unable to detach volume. Volume status must be 'in-use' and attach_status must be 'attached' to detach.`,
      );
    volume.status = 'detaching';
    server.volumeIds = server.volumeIds.filter((v) => v !== volumeId);
    this.timeline.schedule(Math.min(this.timing.actionDelayMs, 100), () => {
      volume.status = 'available';
      volume.serverId = null;
    });
  }

  importKeypair(body: unknown): SimOsKeypair {
    const raw = isObject(body) ? body.keypair : undefined;
    if (!isObject(raw))
      throw badRequest("Invalid input for field/attribute keypair. 'keypair' is a required property");
    if (typeof raw.name !== 'string' || !/^[A-Za-z0-9 ._@-]{1,255}$/.test(raw.name))
      throw badRequest('Keypair data is invalid: Keypair name contains unsafe characters');
    const parsed = parsePublicKey(raw.public_key);
    if (!parsed) throw badRequest('Keypair data is invalid: failed to generate fingerprint');
    if (this.keypairs.has(raw.name)) throw conflicting(`Key pair '${raw.name}' already exists.`);
    const hex = createHash('md5').update(parsed.blob).digest('hex');
    const keypair = {
      name: raw.name,
      publicKey: String(raw.public_key).trim(),
      fingerprint: hex.match(/../g)!.join(':'),
    };
    this.keypairs.set(keypair.name, keypair);
    return keypair;
  }

  keypair(name: string): SimOsKeypair {
    const found = this.keypairs.get(name);
    if (!found) throw itemNotFound(`Keypair ${name} not found for user`);
    return found;
  }
}

export function compareVersions(a: string, b: string): number {
  const [am = 0, an = 0] = a.split('.').map(Number);
  const [bm = 0, bn = 0] = b.split('.').map(Number);
  return am - bm || an - bn;
}

function metadataFrom(raw: unknown): Record<string, string> {
  if (raw === undefined || raw === null) return {};
  if (!isObject(raw)) throw badRequest('Invalid input for field/attribute metadata.');
  for (const [k, v] of Object.entries(raw))
    if (k === '' || k.length > 255 || typeof v !== 'string' || v.length > 255)
      throw badRequest(`Invalid input for field/attribute metadata. Value: ${k}.`);
  return { ...(raw as Record<string, string>) };
}

export { type NovaStatus, OsError, type SimOsServer, vmState };
