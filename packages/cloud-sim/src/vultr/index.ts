import { startTokenApi, type TokenApiSim, type TokenSimOptions, timingOf } from '../common/token-api';
import { VultrAccount, vultrError } from './account';
import { NETWORK_ROUTES } from './network-routes';
import { ROUTES } from './routes';

export type { SimVultrBlock, SimVultrInstance } from './account';
export { VultrAccount } from './account';
export {
  OPERATING_SYSTEMS as VULTR_OPERATING_SYSTEMS,
  PLANS as VULTR_PLANS,
  REGIONS as VULTR_REGIONS,
} from './catalog';
export type { SimVultrDomain, SimVultrRecord, VultrDomains } from './domains';
export type { SimVultrFirewallGroup, SimVultrRule, SimVultrVpc } from './networks';
export type { SimVultrSnapshot } from './snapshots';

export interface VultrSimOptions extends TokenSimOptions {
  /** One account per API key, seeded with `instances` instances labelled `<prefix>-000000`... */
  accounts: Array<{ token: string; instances?: number; namePrefix?: string; domains?: string[] }>;
}

export type VultrSim = TokenApiSim<VultrAccount>;

/** Starts a Vultr API v2 emulator; each account is reached only through its own API key. */
export async function startVultrSim(options: VultrSimOptions): Promise<VultrSim> {
  const timing = timingOf(options);
  const accounts = new Map<string, VultrAccount>();
  for (const a of options.accounts) {
    const account = new VultrAccount(`${a.namePrefix ?? 'owner'}@example.com`, timing);
    if (a.instances) account.seed(a.instances, a.namePrefix ?? 'vultr');
    for (const domain of a.domains ?? []) account.dns.create({ domain });
    accounts.set(a.token, account);
  }
  const limit = options.rateLimit ?? { limit: 30, windowMs: 1_000 };
  return startTokenApi({
    routes: [...ROUTES, ...NETWORK_ROUTES],
    accounts,
    // Vultr's error body: `{ error, status }`.
    errorBody: (err) => ({ error: err.message, status: err.status }),
    unauthorized: vultrError(401, 'Invalid API token.'),
    notFound: vultrError(404, 'Not found.'),
    faults: {
      429: vultrError(429, 'Rate limit reached - please try your request again later.'),
      500: vultrError(500, 'Internal server error.'),
      502: vultrError(502, 'Bad gateway.'),
      503: vultrError(503, 'Service unavailable.'),
    },
    rateLimit: {
      ...limit,
      exceeded: vultrError(429, 'Rate limit reached - please try your request again later.'),
    },
    rateHeaders: () => ({}),
    port: options.port,
    host: options.host,
    knobs: options.knobs,
  });
}
