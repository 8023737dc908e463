import { ProviderError } from '@overcast/contracts';
import {
  bounded,
  type PinnedRestConfig,
  readPinnedRestConfig,
  readTaskWait,
  type TaskWaitConfig,
} from '../common/pinned-rest';
import { API_TOKEN } from './module';

export interface ProxmoxCredentials {
  /** `user@realm!tokenid=secret`. */
  apiToken?: string;
  /** With `password`, instead of a token: logs in for a ticket. */
  username?: string;
  password?: string;
}

export type ProxmoxAuth =
  | { kind: 'token'; header: string; user: string }
  | { kind: 'password'; username: string; password: string };

export interface SizePreset {
  id: string;
  name: string;
  cores: number;
  memoryMb: number;
}

/** Tasks: clone, start, shutdown... */
export interface ProxmoxConfig extends PinnedRestConfig, TaskWaitConfig {
  fullClone: boolean;
  sizes: SizePreset[];
  /** Graceful shutdown allowance before Proxmox stops the guest hard. */
  shutdownTimeoutS: number;
  /** Per-guest calls (addresses, disks) in flight at once. */
  concurrency: number;
}

export const sizeId = (cores: number, memoryMb: number) => `${cores}c-${memoryMb}m`;

function preset(cores: number, memoryMb: number, name?: string): SizePreset {
  const memory = memoryMb % 1024 === 0 ? `${memoryMb / 1024} GiB` : `${memoryMb} MiB`;
  return { id: sizeId(cores, memoryMb), name: name || `${cores} vCPU, ${memory}`, cores, memoryMb };
}

/** The sizes every Proxmox cloud offers; a cloud's config may add its own. */
export const BUILT_IN_SIZES: readonly SizePreset[] = [
  [1, 1024],
  [1, 2048],
  [2, 2048],
  [2, 4096],
  [4, 8192],
  [8, 16384],
  [16, 32768],
].map(([c, m]) => preset(c!, m!));

function readSizes(raw: unknown): SizePreset[] {
  const own = Array.isArray(raw) ? raw : [];
  const extra = own.flatMap((s) => {
    const { cores, memoryMb, name } = (s ?? {}) as Record<string, unknown>;
    if (
      !Number.isInteger(cores) ||
      !Number.isInteger(memoryMb) ||
      (cores as number) < 1 ||
      (memoryMb as number) < 16
    )
      return [];
    return [preset(cores as number, memoryMb as number, typeof name === 'string' ? name : undefined)];
  });
  const all = [...BUILT_IN_SIZES, ...extra];
  return all.filter((s, i) => all.findIndex((o) => o.id === s.id) === i);
}

export function readConfig(raw: Record<string, unknown> = {}): ProxmoxConfig {
  return {
    ...readPinnedRestConfig(raw),
    fullClone: raw.fullClone !== false,
    sizes: readSizes(raw.sizes),
    ...readTaskWait(raw),
    shutdownTimeoutS: Math.trunc(bounded(raw.shutdownTimeoutS, 60, 0, 3_600)),
    concurrency: Math.trunc(bounded(raw.concurrency, 8, 1, 64)),
  };
}

export function readAuth(credentials: ProxmoxCredentials | undefined): ProxmoxAuth {
  const token = credentials?.apiToken?.trim();
  if (token) {
    if (!API_TOKEN.test(token))
      throw new ProviderError('auth', 'The Proxmox API token must look like user@realm!tokenid=secret.');
    return { kind: 'token', header: `PVEAPIToken=${token}`, user: token.slice(0, token.indexOf('=')) };
  }
  const username = credentials?.username?.trim();
  const password = credentials?.password;
  if (username && password) return { kind: 'password', username, password };
  throw new ProviderError('auth', 'A Proxmox API token, or a user and password, is required.');
}

/** The API root: `https://host:8006/api2/json`, from the address with or without the path. */
export function apiRoot(endpoint: string | null | undefined): URL {
  if (!endpoint?.trim())
    throw new ProviderError(
      'invalid',
      'The address of a Proxmox VE node is required, e.g. https://pve1.example.com:8006.',
    );
  const text = /^[a-z]+:\/\//i.test(endpoint.trim()) ? endpoint.trim() : `https://${endpoint.trim()}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ProviderError('invalid', `'${endpoint}' is not an address: expected https://host:8006.`);
  }
  if (url.protocol !== 'https:')
    throw new ProviderError('invalid', 'Proxmox VE answers only over HTTPS: use an https:// address.');
  // Proxmox listens on 8006; an address written with a port (a proxy on 443) keeps it.
  if (!/^[a-z]+:\/\/(\[[^\]]*\]|[^/?#]*?):\d+/i.test(text)) url.port = '8006';
  url.pathname = url.pathname.replace(/\/+$/, '').replace(/\/api2\/json$/, '') + '/api2/json';
  url.search = '';
  url.hash = '';
  return url;
}
