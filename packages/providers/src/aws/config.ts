import { ProviderError } from '@overcast/contracts';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** For temporary credentials (STS). */
  sessionToken?: string;
}

/** Non-secret settings of an AWS cloud, read from `DriverInit.config`. */
export interface AwsDriverConfig {
  /** Regions to manage; when absent, every region enabled for the account (DescribeRegions). */
  regions?: string[];
  /** Region used for account-wide calls (validate, region discovery). */
  defaultRegion: string;
  /** Public image owners listed besides the account's own images (account ids or aliases). */
  imageOwners: string[];
  /** Name patterns (`*`, `?`) for the public owners' images; [] lists all of them. */
  imageNames: string[];
  /** Page sizes (MaxResults) per listing; EC2's limits are 1000 / 500 / 100 / 1000. */
  pageSize: { instances: number; volumes: number; instanceTypes: number; images: number };
  /** Time allowed for one HTTP request until the response headers arrive. */
  requestTimeoutMs: number;
  connectTimeoutMs: number;
  retry: { attempts: number; baseDelayMs: number; maxDelayMs: number };
  /** Whether listMachines reports terminated instances (EC2 lists them for about an hour). */
  includeTerminated: boolean;
  /** EBS type for volumes created through volumeAction. */
  volumeType: string;
  /** Regions queried at once: catalog calls (sizes, images, locations) and machine listings. */
  concurrency: number;
}

/** Canonical (Ubuntu), Debian and Amazon's own Linux images. */
export const DEFAULT_IMAGE_OWNERS = ['099720109477', '136693071363', '137112412989'];

/** Current server images of those owners: Ubuntu server, Debian 1x, Amazon Linux 2023. */
export const DEFAULT_IMAGE_NAMES = [
  'ubuntu/images/hvm-ssd*/ubuntu-*-server-*',
  'debian-1?-*',
  'al2023-ami-2023*',
];

const DEFAULTS: AwsDriverConfig = {
  defaultRegion: 'us-east-1',
  imageOwners: DEFAULT_IMAGE_OWNERS,
  imageNames: DEFAULT_IMAGE_NAMES,
  pageSize: { instances: 1000, volumes: 500, instanceTypes: 100, images: 1000 },
  requestTimeoutMs: 30_000,
  connectTimeoutMs: 5_000,
  retry: { attempts: 5, baseDelayMs: 200, maxDelayMs: 20_000 },
  includeTerminated: true,
  volumeType: 'gp3',
  concurrency: 4,
};

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function stringList(value: unknown, key: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v.length > 0)) {
    throw new ProviderError('invalid', `config.${key} must be a list of non-empty strings`);
  }
  return value as string[];
}

function positive(value: unknown, key: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ProviderError('invalid', `config.${key} must be a non-negative number`);
  }
  return value;
}

/** Config comes from stored JSON: check shapes, fill defaults. */
export function readConfig(raw: Record<string, unknown> | undefined): AwsDriverConfig {
  const c = raw ?? {};
  const page = isRecord(c.pageSize) ? c.pageSize : {};
  const retry = isRecord(c.retry) ? c.retry : {};
  const regions = stringList(c.regions, 'regions');
  if (regions && regions.length === 0) throw new ProviderError('invalid', 'config.regions must not be empty');
  return {
    regions,
    defaultRegion:
      typeof c.defaultRegion === 'string' ? c.defaultRegion : (regions?.[0] ?? DEFAULTS.defaultRegion),
    imageOwners: stringList(c.imageOwners, 'imageOwners') ?? DEFAULTS.imageOwners,
    imageNames: stringList(c.imageNames, 'imageNames') ?? DEFAULTS.imageNames,
    pageSize: {
      instances: positive(page.instances, 'pageSize.instances', DEFAULTS.pageSize.instances),
      volumes: positive(page.volumes, 'pageSize.volumes', DEFAULTS.pageSize.volumes),
      instanceTypes: positive(page.instanceTypes, 'pageSize.instanceTypes', DEFAULTS.pageSize.instanceTypes),
      images: positive(page.images, 'pageSize.images', DEFAULTS.pageSize.images),
    },
    requestTimeoutMs: positive(c.requestTimeoutMs, 'requestTimeoutMs', DEFAULTS.requestTimeoutMs),
    connectTimeoutMs: positive(c.connectTimeoutMs, 'connectTimeoutMs', DEFAULTS.connectTimeoutMs),
    retry: {
      attempts: Math.max(1, positive(retry.attempts, 'retry.attempts', DEFAULTS.retry.attempts)),
      baseDelayMs: positive(retry.baseDelayMs, 'retry.baseDelayMs', DEFAULTS.retry.baseDelayMs),
      maxDelayMs: positive(retry.maxDelayMs, 'retry.maxDelayMs', DEFAULTS.retry.maxDelayMs),
    },
    includeTerminated:
      typeof c.includeTerminated === 'boolean' ? c.includeTerminated : DEFAULTS.includeTerminated,
    volumeType: typeof c.volumeType === 'string' ? c.volumeType : DEFAULTS.volumeType,
    concurrency: Math.max(1, positive(c.concurrency, 'concurrency', DEFAULTS.concurrency)),
  };
}

export function readCredentials(raw: AwsCredentials | undefined): AwsCredentials {
  if (!raw || typeof raw.accessKeyId !== 'string' || typeof raw.secretAccessKey !== 'string') {
    throw new ProviderError('auth', 'AWS credentials need an accessKeyId and a secretAccessKey');
  }
  if (raw.accessKeyId.trim() === '' || raw.secretAccessKey.trim() === '') {
    throw new ProviderError('auth', 'AWS credentials need an accessKeyId and a secretAccessKey');
  }
  return raw;
}
