import { ProviderError } from '@overcast/contracts';

/** A service account key file, as Google hands it out. */
export interface ServiceAccountKey {
  type?: string;
  project_id?: string;
  private_key_id?: string;
  private_key: string;
  client_email: string;
  token_uri?: string;
}

/** Non-secret settings a Compute Engine cloud may carry in `DriverInit.config`. */
export interface GceConfig {
  /** Project to manage. Default: the service account's `project_id`. */
  project: string;
  /** `maxResults` per list page, 1..500. Default 500. */
  pageSize: number;
  requestTimeoutMs: number;
  retryAttempts: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  /** How long an action waits for its zone operation to finish. Default 5 min. */
  operationTimeoutMs: number;
  /** Image projects listed besides the project's own. Default debian-cloud and ubuntu-os-cloud. */
  publicImageProjects: string[];
  /** Login the `ssh-keys` metadata entry is written for. Default "overcast". */
  sshUser: string;
  /** Disk type for new boot disks and volumes. Default pd-balanced. */
  diskType: string;
  /** Network for new instances. Default global/networks/default. */
  network: string;
  /** Give new instances an ephemeral external address. Default true. */
  externalIp: boolean;
  /** List disks first so each machine reports its boot image. Default true. */
  resolveImages: boolean;
}

const num = (raw: unknown, fallback: number, min: number, max: number): number =>
  typeof raw === 'number' && Number.isFinite(raw) ? Math.min(max, Math.max(min, raw)) : fallback;
const str = (raw: unknown, fallback: string): string =>
  typeof raw === 'string' && raw.trim() !== '' ? raw.trim() : fallback;

export function readServiceAccount(raw: unknown): ServiceAccountKey {
  const key = raw as Partial<ServiceAccountKey> | null | undefined;
  if (
    !key ||
    typeof key !== 'object' ||
    typeof key.client_email !== 'string' ||
    typeof key.private_key !== 'string'
  ) {
    throw new ProviderError('auth', 'The service account JSON needs client_email and private_key.');
  }
  return key as ServiceAccountKey;
}

export function readConfig(raw: Record<string, unknown> = {}, key: ServiceAccountKey): GceConfig {
  const project = str(raw.project, key.project_id ?? '');
  if (!project)
    throw new ProviderError('invalid', 'No project: set config.project or use a key with project_id.');
  const publicImageProjects = Array.isArray(raw.publicImageProjects)
    ? raw.publicImageProjects.filter((p): p is string => typeof p === 'string' && p !== '')
    : ['debian-cloud', 'ubuntu-os-cloud'];
  return {
    project,
    pageSize: Math.trunc(num(raw.pageSize, 500, 1, 500)),
    requestTimeoutMs: num(raw.requestTimeoutMs, 30_000, 1, 600_000),
    retryAttempts: Math.trunc(num(raw.retryAttempts, 5, 1, 20)),
    retryBaseDelayMs: num(raw.retryBaseDelayMs, 250, 0, 60_000),
    retryMaxDelayMs: num(raw.retryMaxDelayMs, 20_000, 0, 600_000),
    operationTimeoutMs: num(raw.operationTimeoutMs, 300_000, 1, 3_600_000),
    publicImageProjects,
    sshUser: str(raw.sshUser, 'overcast'),
    diskType: str(raw.diskType, 'pd-balanced'),
    network: str(raw.network, 'global/networks/default'),
    externalIp: raw.externalIp !== false,
    resolveImages: raw.resolveImages !== false,
  };
}

/** Where the client connects: Google's own endpoint unless DriverInit.endpoint says otherwise. */
export function connection(endpoint: string | null | undefined): {
  apiEndpoint?: string;
  port?: number;
  protocol?: string;
} {
  if (!endpoint) return {};
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new ProviderError('invalid', `'${endpoint}' is not a URL`);
  }
  const protocol = url.protocol.replace(':', '');
  return {
    apiEndpoint: url.hostname,
    port: url.port ? Number(url.port) : protocol === 'http' ? 80 : 443,
    protocol,
  };
}
