import {
  ApiError,
  startTokenApi,
  type TokenApiSim,
  type TokenSimOptions,
  timingOf,
} from '../common/token-api';
import { LinodeAccount } from './account';
import { NETWORK_ROUTES } from './network-routes';
import { ROUTES } from './routes';
import { LinodeIds } from './shared';

export type { LinodeStatus, SimLinode, SimLinodeVolume } from './account';
export { LinodeAccount } from './account';
export type { LinodeBackupStatus, SimLinodeBackup, SimLinodeBackups } from './backups';
export { IMAGES as LINODE_IMAGES, REGIONS as LINODE_REGIONS, TYPES as LINODE_TYPES } from './catalog';
export type { LinodeDomains, SimLinodeDomain, SimLinodeRecord } from './domains';
export type {
  LinodeNetworking,
  SimLinodeFirewall,
  SimLinodeRule,
  SimLinodeRules,
  SimLinodeSubnet,
  SimLinodeVpc,
} from './networks';

export interface LinodeSimOptions extends TokenSimOptions {
  /** One account per personal access token, seeded with `linodes` Linodes named `<prefix>-000000`... */
  accounts: Array<{ token: string; linodes?: number; namePrefix?: string; domains?: string[] }>;
}

export type LinodeSim = TokenApiSim<LinodeAccount>;

const error = (status: number, reason: string) => new ApiError(status, 'error', reason);

/** Starts a Linode API v4 emulator; each account is reached only through its own token. */
export async function startLinodeSim(options: LinodeSimOptions): Promise<LinodeSim> {
  const ids = new LinodeIds();
  const timing = timingOf(options);
  const accounts = new Map<string, LinodeAccount>();
  for (const a of options.accounts) {
    const account = new LinodeAccount(a.namePrefix ?? 'owner', ids, timing);
    if (a.linodes) account.seed(a.linodes, a.namePrefix ?? 'linode');
    for (const domain of a.domains ?? [])
      account.dns.create({ domain, type: 'master', soa_email: `hostmaster@${domain}` });
    accounts.set(a.token, account);
  }
  const limit = options.rateLimit ?? { limit: 1600, windowMs: 60_000 };
  return startTokenApi({
    routes: [...ROUTES, ...NETWORK_ROUTES],
    accounts,
    // Linode's error body: `{ errors: [{ reason, field? }] }`.
    errorBody: (err) => {
      const field = (err as { field?: string | null }).field;
      return { errors: [field ? { field, reason: err.message } : { reason: err.message }] };
    },
    unauthorized: error(401, 'Invalid Token'),
    notFound: error(404, 'Not found'),
    faults: {
      429: error(429, 'Too Many Requests'),
      500: error(500, 'An unexpected error occurred.'),
      502: error(502, 'Bad Gateway'),
      503: error(503, 'Service Unavailable'),
    },
    rateLimit: { ...limit, exceeded: error(429, 'Too Many Requests') },
    rateHeaders: (lim, remaining, reset) => ({
      'x-ratelimit-limit': String(lim),
      'x-ratelimit-remaining': String(remaining),
      'x-ratelimit-reset': String(reset),
    }),
    port: options.port,
    host: options.host,
    knobs: options.knobs,
  });
}
