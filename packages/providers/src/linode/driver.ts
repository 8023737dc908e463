import { randomBytes } from 'node:crypto';
import {
  type CreateMachineSpec,
  type DriverInit,
  type MachineAction,
  type ProviderDriver,
  ProviderError,
  type RemoteImage,
  type RemoteLocation,
  type RemoteMachine,
  type RemoteSize,
  type RemoteSnapshot,
  type RemoteVolume,
  type ResizeDriver,
  type SnapshotDriver,
  type VolumeOperation,
} from '@overcast/contracts';
import {
  apiRoot,
  collect,
  JsonApi,
  type ProviderWords,
  present,
  readJsonApiConfig,
  requireToken,
} from '../common/json-api';
import { withDns } from '../common/with-dns';
import { withNetworks } from '../common/with-networks';
import { toDigitalOceanTags } from '../digitalocean/tags';
import { LinodeBackups } from './backups';
import { LinodeDns } from './dns';
import {
  type LinodeWireImage,
  type LinodeWireInstance,
  type LinodeWireRegion,
  type LinodeWireType,
  type LinodeWireVolume,
  toImage,
  toLocation,
  toMachine,
  toSize,
  toVolume,
} from './map';
import { LinodeNetworks } from './networks';
import { linodePages, MAX_PAGE, numericId, untilStatusLeaves } from './wire';

export interface LinodeCredentials {
  /** A personal access token. */
  token: string;
}

const PROVIDER = 'Linode';

/**
 * Linode's error body: `{ errors: [{ reason, field? }] }`, every reason kept. Linode answers
 * 400 both for bad input and for a conflict ("not now": a Linode busy with another change, a
 * volume still attached, a VPC or subnet with Linodes in it; or a domain that already exists).
 */
function readError(body: unknown): ProviderWords | null {
  const errors = (body as { errors?: Array<{ reason?: unknown; field?: unknown }> } | null)?.errors;
  if (!Array.isArray(errors) || errors.length === 0) return null;
  const message = errors
    .map((e) => (typeof e.field === 'string' ? `${e.field}: ${String(e.reason)}` : String(e.reason)))
    .join('; ');
  const field = errors.find((e) => typeof e.field === 'string')?.field as string | undefined;
  const conflict = /busy|already attached|must be detached|already exists|cannot delete .* while/i.test(
    message,
  );
  return { message, code: field, kind: conflict ? 'conflict' : undefined };
}

/**
 * Linode requires a root password with every image; machines are reached with the SSH key, so
 * it is a random one nobody keeps.
 */
const rootPassword = () => `${randomBytes(24).toString('base64url')}aA1!`;

class LinodeDriver implements ProviderDriver, SnapshotDriver, ResizeDriver {
  readonly provider = 'linode' as const;
  /** A restore writes the backup over the Linode's own disks. */
  readonly canRevertSnapshots = true;
  readonly canDeleteSnapshots = false;
  private readonly backups: LinodeBackups;

  constructor(private readonly api: JsonApi) {
    this.backups = new LinodeBackups(api);
  }

  async validate(): Promise<void> {
    await this.api.request('GET', '/profile');
  }

  private pages<T>(path: string, signal?: AbortSignal) {
    return linodePages<T>(this.api, path, signal);
  }

  async *listMachines(signal: AbortSignal): AsyncIterable<RemoteMachine> {
    // A Linode names its type; the type list carries the prices.
    const types = new Map(
      (await collect(this.pages<LinodeWireType>('/linode/types', signal))).map((t) => [t.id, t]),
    );
    for await (const l of this.pages<LinodeWireInstance>('/linode/instances', signal))
      yield toMachine(l, l.type ? types.get(l.type) : undefined);
  }

  async *listVolumes(signal: AbortSignal): AsyncIterable<RemoteVolume> {
    for await (const v of this.pages<LinodeWireVolume>('/volumes', signal)) yield toVolume(v);
  }

  async listSizes(): Promise<RemoteSize[]> {
    return (await collect(this.pages<LinodeWireType>('/linode/types'))).map(toSize);
  }

  async listImages(): Promise<RemoteImage[]> {
    return (await collect(this.pages<LinodeWireImage>('/images'))).map(toImage);
  }

  async listLocations(): Promise<RemoteLocation[]> {
    return (await collect(this.pages<LinodeWireRegion>('/regions'))).map(toLocation);
  }

  async machineAction(
    externalId: string,
    action: MachineAction,
    options: { name?: string } = {},
  ): Promise<void> {
    const id = numericId(externalId, 'Linode');
    const base = `/linode/instances/${id}`;
    switch (action) {
      case 'start':
        await this.api.request('POST', `${base}/boot`, { idempotent: true });
        return;
      // Linode's shutdown asks the guest first and powers it off itself when it does not listen.
      case 'stop':
        await this.api.request('POST', `${base}/shutdown`, { idempotent: true });
        return;
      case 'reboot':
        await this.api.request('POST', `${base}/reboot`, { idempotent: true });
        return;
      case 'destroy':
        await this.api.request('DELETE', base);
        return;
      case 'rename': {
        const label = options.name?.trim();
        if (!label) throw new ProviderError('invalid', 'rename needs a new name');
        await this.api.request('PUT', base, { body: { label } });
        return;
      }
      default:
        throw new ProviderError('invalid', `unsupported action '${String(action)}'`);
    }
  }

  listSnapshots(machineExternalId: string): Promise<RemoteSnapshot[]> {
    return this.backups.list(machineExternalId);
  }

  createSnapshot(machineExternalId: string, name: string): Promise<void> {
    return this.backups.create(machineExternalId, name);
  }

  revertSnapshot(machineExternalId: string, snapshotExternalId: string): Promise<void> {
    return this.backups.restore(machineExternalId, snapshotExternalId);
  }

  async deleteSnapshot(): Promise<void> {
    this.backups.refuseDelete();
  }

  /**
   * Linode migrates the Linode to the new plan, growing its disk to the plan's when it is larger;
   * it refuses a plan with less disk than is allocated. Answers once it is no longer `resizing`.
   */
  async resizeMachine(externalId: string, sizeId: string): Promise<void> {
    const id = numericId(externalId, 'Linode', 'not-found');
    await this.api.request('POST', `/linode/instances/${id}/resize`, {
      body: { type: sizeId, allow_auto_disk_resize: true },
    });
    await untilStatusLeaves(this.api, id, 'resizing', 'resize');
  }

  async createMachine(spec: CreateMachineSpec): Promise<RemoteMachine> {
    const tags = toDigitalOceanTags(spec.tags);
    const created = await this.api.request<LinodeWireInstance>('POST', '/linode/instances', {
      body: {
        label: spec.name,
        type: spec.size,
        image: spec.image,
        region: spec.location,
        root_pass: rootPassword(),
        authorized_keys: spec.sshKey ? [spec.sshKey.publicKey.trim()] : undefined,
        tags: tags.length > 0 ? tags : undefined,
        metadata: spec.userData ? { user_data: Buffer.from(spec.userData).toString('base64') } : undefined,
        booted: true,
      },
    });
    return toMachine(present(created, PROVIDER, 'Linode'));
  }

  async volumeAction(op: VolumeOperation): Promise<RemoteVolume | undefined> {
    switch (op.op) {
      case 'create': {
        const created = await this.api.request<LinodeWireVolume>('POST', '/volumes', {
          body: { label: op.name, size: op.sizeGb, region: op.location },
        });
        return toVolume(present(created, PROVIDER, 'volume'));
      }
      case 'attach':
        await this.api.request('POST', `/volumes/${numericId(op.volumeId, 'volume')}/attach`, {
          body: { linode_id: numericId(op.machineId, 'Linode') },
          idempotent: true,
        });
        return;
      case 'detach':
        await this.api.request('POST', `/volumes/${numericId(op.volumeId, 'volume')}/detach`, {
          idempotent: true,
        });
        return;
      case 'delete':
        await this.api.request('DELETE', `/volumes/${numericId(op.volumeId, 'volume')}`);
        return;
    }
  }
}

/**
 * A driver for one Linode account (a personal access token). `endpoint` overrides the API
 * root (with or without `/v4`); `config` takes JsonApiConfig's fields.
 */
export function createLinodeDriver(init: DriverInit<LinodeCredentials>): ProviderDriver {
  const api = new JsonApi({
    provider: PROVIDER,
    root: apiRoot(init.endpoint, 'https://api.linode.com', 'v4'),
    token: requireToken(init.credentials, 'A Linode personal access token'),
    lookup: init.lookup,
    config: readJsonApiConfig(init.config, MAX_PAGE),
    readError,
  });
  return withNetworks(withDns(new LinodeDriver(api), new LinodeDns(api)), new LinodeNetworks(api));
}
