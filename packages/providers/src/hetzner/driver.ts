import { setTimeout as sleep } from 'node:timers/promises';
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
import { fingerprintOf } from '../digitalocean/ssh-key';
import { HetznerDns } from './dns';
import {
  type HzWireAction,
  type HzWireImage,
  type HzWireLocation,
  type HzWireServer,
  type HzWireServerType,
  type HzWireVolume,
  toImage,
  toLocation,
  toMachine,
  toSize,
  toVolume,
} from './map';
import { HetznerNetworks } from './networks';
import { hetznerPages, numericId } from './rest';
import { HetznerSnapshots } from './snapshots';

export interface HetznerCredentials {
  token: string;
}

const PROVIDER = 'Hetzner Cloud';
/** Hetzner's largest page. */
const MAX_PER_PAGE = 50;

/**
 * Hetzner's error body: `{ error: { code, message } }`. 423 `locked` means another action runs;
 * 403 `protected` is a resource's delete or rebuild protection, a state of the resource rather
 * than a refused credential; 412 `server_not_stopped` is a server that must be off first.
 */
function readError(body: unknown): ProviderWords | null {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (!error || typeof error.message !== 'string') return null;
  const code = typeof error.code === 'string' ? error.code : undefined;
  const notNow = code === 'uniqueness_error' || code === 'protected' || code === 'server_not_stopped';
  // `invalid_input` names the field in its message and says what is wrong in `details.fields`.
  const fields = (error as { details?: { fields?: unknown } }).details?.fields;
  const said = Array.isArray(fields)
    ? fields.flatMap((f: { messages?: unknown }) =>
        Array.isArray(f?.messages) ? f.messages.filter((m): m is string => typeof m === 'string') : [],
      )
    : [];
  const message = said.length > 0 ? `${error.message}: ${said.join('; ')}` : error.message;
  return { message, code, kind: notNow ? 'conflict' : undefined };
}

interface HetznerConfig {
  /** How long `stop` waits for a graceful shutdown before powering off hard. 0 = don't wait. */
  shutdownWaitMs: number;
  /** Interval between polls of a server on its way down. */
  pollMs: number;
}

class HetznerDriver implements ProviderDriver {
  readonly provider = 'hetzner' as const;

  constructor(
    private readonly api: JsonApi,
    private readonly config: HetznerConfig,
  ) {}

  /** A token is scoped to one project, which has no endpoint of its own: a one-item list proves it. */
  async validate(): Promise<void> {
    await this.api.request('GET', '/servers', { query: { per_page: 1 } });
  }

  private pages<T>(path: string, key: string, signal?: AbortSignal) {
    return hetznerPages<T>(this.api, path, key, signal);
  }

  async *listMachines(signal: AbortSignal): AsyncIterable<RemoteMachine> {
    for await (const s of this.pages<HzWireServer>('/servers', 'servers', signal)) yield toMachine(s);
  }

  async *listVolumes(signal: AbortSignal): AsyncIterable<RemoteVolume> {
    for await (const v of this.pages<HzWireVolume>('/volumes', 'volumes', signal)) yield toVolume(v);
  }

  async listSizes(): Promise<RemoteSize[]> {
    return (await collect(this.pages<HzWireServerType>('/server_types', 'server_types'))).map(toSize);
  }

  async listImages(): Promise<RemoteImage[]> {
    return (await collect(this.pages<HzWireImage>('/images', 'images'))).map(toImage);
  }

  async listLocations(): Promise<RemoteLocation[]> {
    return (await collect(this.pages<HzWireLocation>('/locations', 'locations'))).map(toLocation);
  }

  private serverAction(id: number, command: string) {
    return this.api.request<{ action?: HzWireAction }>('POST', `/servers/${id}/actions/${command}`, {
      idempotent: true,
    });
  }

  async machineAction(
    externalId: string,
    action: MachineAction,
    options: { name?: string } = {},
  ): Promise<void> {
    const id = numericId(externalId, 'server');
    switch (action) {
      case 'start':
        await this.serverAction(id, 'poweron');
        return;
      case 'stop':
        return this.stop(id);
      case 'reboot':
        await this.serverAction(id, 'reboot');
        return;
      case 'destroy':
        await this.api.request('DELETE', `/servers/${id}`);
        return;
      case 'rename': {
        const name = options.name?.trim();
        if (!name) throw new ProviderError('invalid', 'rename needs a new name');
        await this.api.request('PUT', `/servers/${id}`, { body: { name } });
        return;
      }
      default:
        throw new ProviderError('invalid', `unsupported action '${String(action)}'`);
    }
  }

  /**
   * Stop asks the guest to shut down (ACPI), which is kind to its disks; a guest still up after
   * `shutdownWaitMs` is powered off hard, once the shutdown action has ended (Hetzner refuses a
   * second action on a server while one runs).
   */
  private async stop(id: number): Promise<void> {
    const { action } = await this.serverAction(id, 'shutdown');
    if (this.config.shutdownWaitMs === 0) return;
    const isOff = async () => {
      const { server } = await this.api.request<{ server?: HzWireServer }>('GET', `/servers/${id}`);
      return server?.status === 'off';
    };
    if (await this.poll(isOff)) return;
    if (typeof action?.id === 'number') {
      const path = `/actions/${action.id}`;
      await this.poll(async () => {
        const answer = await this.api.request<{ action?: HzWireAction }>('GET', path);
        return answer?.action?.status !== 'running';
      });
    }
    await this.serverAction(id, 'poweroff');
  }

  /** Asks `done` every `pollMs` for up to `shutdownWaitMs`; whether it said yes. */
  private async poll(done: () => Promise<boolean>): Promise<boolean> {
    const deadline = Date.now() + this.config.shutdownWaitMs;
    for (;;) {
      if (await done()) return true;
      if (Date.now() >= deadline) return false;
      await sleep(Math.min(this.config.pollMs, Math.max(0, deadline - Date.now())));
    }
  }

  /** The project's id for this public key, uploading it first when the project lacks it. */
  private async keyId(key: { name: string; publicKey: string }): Promise<number> {
    const fingerprint = fingerprintOf(key.publicKey);
    const existing = async () => {
      const found = await this.api.request<{ ssh_keys?: Array<{ id?: number }> }>('GET', '/ssh_keys', {
        query: { fingerprint },
      });
      return found?.ssh_keys?.[0]?.id ?? null;
    };
    const id = await existing();
    if (id !== null) return id;
    try {
      const created = await this.api.request<{ ssh_key?: { id?: number } }>('POST', '/ssh_keys', {
        body: { name: key.name, public_key: key.publicKey.trim() },
      });
      const made = present(created?.ssh_key, PROVIDER, 'SSH key').id;
      if (typeof made !== 'number')
        throw new ProviderError('unavailable', `${PROVIDER} answered without the key's id`);
      return made;
    } catch (err) {
      // Uploaded meanwhile (or a key of that name exists): use the one with this fingerprint.
      if (err instanceof ProviderError && err.kind === 'conflict') {
        const raced = await existing();
        if (raced !== null) return raced;
      }
      throw err;
    }
  }

  async createMachine(spec: CreateMachineSpec): Promise<RemoteMachine> {
    const sshKeys = spec.sshKey ? [await this.keyId(spec.sshKey)] : undefined;
    const answer = await this.api.request<{ server?: HzWireServer }>('POST', '/servers', {
      body: {
        name: spec.name,
        server_type: spec.size,
        image: /^\d+$/.test(spec.image) ? Number(spec.image) : spec.image,
        location: spec.location,
        ssh_keys: sshKeys,
        labels: spec.tags,
        user_data: spec.userData,
        start_after_create: true,
      },
    });
    return toMachine(present(answer?.server, PROVIDER, 'server'));
  }

  async volumeAction(op: VolumeOperation): Promise<RemoteVolume | undefined> {
    switch (op.op) {
      case 'create': {
        const answer = await this.api.request<{ volume?: HzWireVolume }>('POST', '/volumes', {
          body: { name: op.name, size: op.sizeGb, location: op.location, automount: false },
        });
        return toVolume(present(answer?.volume, PROVIDER, 'volume'));
      }
      case 'attach':
        await this.api.request('POST', `/volumes/${numericId(op.volumeId, 'volume')}/actions/attach`, {
          body: { server: numericId(op.machineId, 'server'), automount: false },
          idempotent: true,
        });
        return;
      case 'detach':
        await this.api.request('POST', `/volumes/${numericId(op.volumeId, 'volume')}/actions/detach`, {
          idempotent: true,
        });
        return;
      case 'delete':
        await this.api.request('DELETE', `/volumes/${numericId(op.volumeId, 'volume')}`);
        return;
    }
  }
}

const num = (raw: unknown, fallback: number, max: number) =>
  typeof raw === 'number' && Number.isFinite(raw) ? Math.min(max, Math.max(0, raw)) : fallback;

/**
 * A driver for one Hetzner Cloud project (its API token). `endpoint` overrides the API root
 * (with or without `/v1`); `config` takes JsonApiConfig's fields, `shutdownWaitMs` and `pollMs`.
 */
export function createHetznerDriver(init: DriverInit<HetznerCredentials>): ProviderDriver {
  const api = new JsonApi({
    provider: PROVIDER,
    root: apiRoot(init.endpoint, 'https://api.hetzner.cloud', 'v1'),
    token: requireToken(init.credentials, 'A Hetzner Cloud API token'),
    lookup: init.lookup,
    config: readJsonApiConfig(init.config, MAX_PER_PAGE),
    readError,
  });
  const raw = init.config ?? {};
  const config = {
    shutdownWaitMs: num(raw.shutdownWaitMs, 60_000, 3_600_000),
    pollMs: Math.max(1, num(raw.pollMs, 2_000, 60_000)),
  };
  const driver = withSnapshots(new HetznerDriver(api, config), new HetznerSnapshots(api, config.pollMs));
  return withDns(withNetworks(driver, new HetznerNetworks(api)), new HetznerDns(api, config.pollMs));
}
