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
  type RemoteVolume,
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
import { withSnapshots } from '../common/with-snapshots';
import { toDigitalOceanTags } from '../digitalocean/tags';
import { VultrDns } from './dns';
import {
  toImage,
  toLocation,
  toMachine,
  toSize,
  toVolume,
  type VultrWireBlock,
  type VultrWireInstance,
  type VultrWireOs,
  type VultrWirePlan,
  type VultrWireRegion,
} from './map';
import { VultrNetworks } from './networks';
import { VultrSnapshots } from './snapshots';
import { vultrId, vultrPages } from './wire';

export interface VultrCredentials {
  /** A personal API key. */
  token: string;
}

const PROVIDER = 'Vultr';
/** Vultr's largest page. */
const MAX_PER_PAGE = 500;

/**
 * Vultr's error body: `{ error, status }`. Vultr answers 400 both for bad input and for a
 * conflict ("not now": a volume still attached, a server still installing; or a domain that
 * already exists).
 */
function readError(body: unknown): ProviderWords | null {
  const error = (body as { error?: unknown } | null)?.error;
  if (typeof error !== 'string' || error === '') return null;
  const conflict = /already attached|must be detached|still being installed|already exists/i.test(error);
  return { message: error, kind: conflict ? 'conflict' : undefined };
}

/** An OpenSSH key without its comment: what two uploads of the same key share. */
const keyBody = (line: string) => line.trim().split(/\s+/).slice(0, 2).join(' ');

const HOSTNAME = /^[a-zA-Z0-9]([a-zA-Z0-9.-]{0,61}[a-zA-Z0-9])?$/;

class VultrDriver implements ProviderDriver {
  readonly provider = 'vultr' as const;

  constructor(private readonly api: JsonApi) {}

  async validate(): Promise<void> {
    await this.api.request('GET', '/account');
  }

  private pages<T>(path: string, key: string, signal?: AbortSignal) {
    return vultrPages<T>(this.api, path, key, signal);
  }

  async *listMachines(signal: AbortSignal): AsyncIterable<RemoteMachine> {
    // An instance names its plan; the plan list carries the prices.
    const plans = new Map(
      (await collect(this.pages<VultrWirePlan>('/plans', 'plans', signal))).map((p) => [p.id, p]),
    );
    for await (const i of this.pages<VultrWireInstance>('/instances', 'instances', signal))
      yield toMachine(i, i.plan ? plans.get(i.plan) : undefined);
  }

  async *listVolumes(signal: AbortSignal): AsyncIterable<RemoteVolume> {
    for await (const b of this.pages<VultrWireBlock>('/blocks', 'blocks', signal)) yield toVolume(b);
  }

  async listSizes(): Promise<RemoteSize[]> {
    return (await collect(this.pages<VultrWirePlan>('/plans', 'plans'))).map(toSize);
  }

  async listImages(): Promise<RemoteImage[]> {
    return (await collect(this.pages<VultrWireOs>('/os', 'os'))).map(toImage);
  }

  async listLocations(): Promise<RemoteLocation[]> {
    return (await collect(this.pages<VultrWireRegion>('/regions', 'regions'))).map(toLocation);
  }

  async machineAction(
    externalId: string,
    action: MachineAction,
    options: { name?: string } = {},
  ): Promise<void> {
    const base = `/instances/${vultrId(externalId, 'instance')}`;
    switch (action) {
      case 'start':
        await this.api.request('POST', `${base}/start`, { idempotent: true });
        return;
      // Vultr has one way down: halt, a hard power-off.
      case 'stop':
        await this.api.request('POST', `${base}/halt`, { idempotent: true });
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
        await this.api.request('PATCH', base, { body: { label }, idempotent: true });
        return;
      }
      default:
        throw new ProviderError('invalid', `unsupported action '${String(action)}'`);
    }
  }

  /** The account's id for this public key, uploading it first when the account lacks it. */
  private async keyId(key: { name: string; publicKey: string }): Promise<string> {
    const wanted = keyBody(key.publicKey);
    for await (const k of this.pages<{ id?: string; ssh_key?: string }>('/ssh-keys', 'ssh_keys')) {
      if (k.id && k.ssh_key && keyBody(k.ssh_key) === wanted) return k.id;
    }
    const created = await this.api.request<{ ssh_key?: { id?: string } }>('POST', '/ssh-keys', {
      body: { name: key.name, ssh_key: key.publicKey.trim() },
    });
    const id = present(created?.ssh_key, PROVIDER, 'SSH key').id;
    if (typeof id !== 'string')
      throw new ProviderError('unavailable', `${PROVIDER} answered without the key's id`);
    return id;
  }

  async createMachine(spec: CreateMachineSpec): Promise<RemoteMachine> {
    if (!/^\d+$/.test(spec.image))
      throw new ProviderError('invalid', `'${spec.image}' is not a Vultr operating system id`);
    const sshKeys = spec.sshKey ? [await this.keyId(spec.sshKey)] : undefined;
    const tags = toDigitalOceanTags(spec.tags);
    const answer = await this.api.request<{ instance?: VultrWireInstance }>('POST', '/instances', {
      body: {
        region: spec.location,
        plan: spec.size,
        os_id: Number(spec.image),
        label: spec.name,
        hostname: HOSTNAME.test(spec.name) ? spec.name : undefined,
        sshkey_id: sshKeys,
        tags: tags.length > 0 ? tags : undefined,
        user_data: spec.userData ? Buffer.from(spec.userData).toString('base64') : undefined,
      },
    });
    return toMachine(present(answer?.instance, PROVIDER, 'instance'));
  }

  async volumeAction(op: VolumeOperation): Promise<RemoteVolume | undefined> {
    switch (op.op) {
      case 'create': {
        const answer = await this.api.request<{ block?: VultrWireBlock }>('POST', '/blocks', {
          body: { region: op.location, size_gb: op.sizeGb, label: op.name },
        });
        return toVolume(present(answer?.block, PROVIDER, 'block storage'));
      }
      case 'attach':
        await this.api.request('POST', `/blocks/${vultrId(op.volumeId, 'block storage')}/attach`, {
          body: { instance_id: vultrId(op.machineId, 'instance'), live: true },
          idempotent: true,
        });
        return;
      case 'detach':
        await this.api.request('POST', `/blocks/${vultrId(op.volumeId, 'block storage')}/detach`, {
          body: { live: true },
          idempotent: true,
        });
        return;
      case 'delete':
        await this.api.request('DELETE', `/blocks/${vultrId(op.volumeId, 'block storage')}`);
        return;
    }
  }
}

/**
 * A driver for one Vultr account (its API key). `endpoint` overrides the API root (with or
 * without `/v2`); `config` takes JsonApiConfig's fields.
 */
export function createVultrDriver(init: DriverInit<VultrCredentials>): ProviderDriver {
  const api = new JsonApi({
    provider: PROVIDER,
    root: apiRoot(init.endpoint, 'https://api.vultr.com', 'v2'),
    token: requireToken(init.credentials, 'A Vultr API key'),
    lookup: init.lookup,
    config: readJsonApiConfig(init.config, MAX_PER_PAGE),
    readError,
  });
  return withDns(
    withNetworks(withSnapshots(new VultrDriver(api), new VultrSnapshots(api)), new VultrNetworks(api)),
    new VultrDns(api),
  );
}
