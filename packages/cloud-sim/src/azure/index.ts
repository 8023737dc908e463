// An emulator of Azure Resource Manager and the Microsoft identity platform's token endpoint,
// over HTTPS (Azure's clients send bearer tokens over TLS only) with a certificate of its own CA:
// a client trusts it the way it would trust an Azure Stack Hub's private CA.

import {
  type Fault,
  type RunningSim,
  SimKnobs,
  type SimRequest,
  type SimResponse,
  startSimServer,
} from '../common/server';
import { makeTlsMaterial } from '../docker/tls';
import { ArmDns } from './dns';
import { armError, json, throttled } from './errors';
import { LoginService, type Principal } from './login';
import { ArmState, type SubscriptionSeed } from './model';
import { ArmNetworks } from './networks';
import { retailPrices } from './prices';
import { route } from './routes';

export type { ArmDns as AzureDns, SimDnsZone as AzureDnsZone } from './dns';
export type { Principal as AzurePrincipal } from './login';
export type { SubscriptionSeed as AzureSubscriptionSeed } from './model';
export type { ArmNetworks as AzureNetworks, SimRuleProperties as AzureRuleProperties } from './networks';

export interface AzureSimOptions {
  principals: Principal[];
  subscriptions: SubscriptionSeed[];
  port?: number;
  /** Loopback address to listen on; its certificate names localhost and 127.0.0.1. */
  host?: string;
  /** Items per list page (VMs, disks, NICs, public IPs, networks, security groups, prices). Default 100. */
  pageSize?: number;
  /** How long an action or create takes to finish. Default 1500 ms. */
  transitionMs?: number;
  /** Reads per principal per window before 429s, as ARM's subscription read limit. Default 12000. */
  readsPerWindow?: number;
  windowMs?: number;
  /** The server's certificate, key and the CA that signed them; made fresh when absent. */
  tls?: { key: string; cert: string; ca: string };
}

export interface AzureSim extends RunningSim {
  state: ArmState;
  /** Virtual networks and network security groups. */
  net: ArmNetworks;
  /** DNS zones and their record sets. */
  dns: ArmDns;
  login: LoginService;
  /** The CA certificate (PEM) that signed the emulator's own: what a client must trust. */
  ca: string;
  /** Answer the next `count` requests with ARM's 429 and this Retry-After. */
  throttle(count: number, retryAfterSeconds?: number): void;
}

function renderFault(fault: Fault): SimResponse {
  if (fault.status === 429) return throttled(fault.retryAfterSeconds ?? 1);
  return armError(
    fault.status,
    fault.status === 503 ? 'ServiceUnavailable' : 'InternalServerError',
    fault.status === 503
      ? 'The service is temporarily unavailable. Please try again later.'
      : 'An internal execution error occurred. Please retry later.',
    fault.retryAfterSeconds ? { 'retry-after': String(fault.retryAfterSeconds) } : {},
  );
}

export async function startAzureSim(options: AzureSimOptions): Promise<AzureSim> {
  const state = new ArmState(options.transitionMs ?? 1500);
  const net = new ArmNetworks(state);
  const dns = new ArmDns();
  for (const sub of options.subscriptions) {
    state.seed(sub);
    net.seed(sub);
  }
  const login = new LoginService(options.principals);
  const tls = options.tls
    ? { serverKey: options.tls.key, serverCert: options.tls.cert, ca: options.tls.ca }
    : makeTlsMaterial('azure-sim');
  const knobs = new SimKnobs();
  const pageSize = options.pageSize ?? 100;
  const budget = options.readsPerWindow ?? 12_000;
  const windowMs = options.windowMs ?? 3_600_000;
  const windows = new Map<string, { start: number; reads: number; writes: number }>();
  let origin = '';

  const handler = (req: SimRequest): SimResponse => {
    state.timeline.settle();
    // Links (token endpoint, nextLink, operations) name the host the client asked for, as Azure's do.
    const here = /^[\w.-]+(:\d+)?$|^\[[\d:a-fA-F]+\](:\d+)?$/.test(req.headers.host ?? '')
      ? `https://${req.headers.host}`
      : origin;
    if (req.url.pathname === '/api/retail/prices') {
      const url = new URL(req.url.pathname + req.url.search, here);
      return retailPrices(url, pageSize);
    }
    const signIn = login.handle(req, here);
    if (signIn) return signIn;
    if (!req.url.pathname.toLowerCase().startsWith('/subscriptions'))
      return armError(404, 'NotFound', `The requested path '${req.url.pathname}' was not found.`);
    if (!req.url.searchParams.get('api-version'))
      return armError(
        400,
        'MissingApiVersionParameter',
        'The api-version query parameter (?api-version=) is required for all requests.',
      );
    if (!req.headers.authorization)
      return armError(
        401,
        'AuthenticationFailed',
        "Authentication failed. The 'Authorization' header is missing.",
        {
          'www-authenticate':
            'Bearer authorization_uri="https://login.microsoftonline.com/common", error="invalid_token", error_description="The authentication failed because of missing \'Authorization\' header."',
        },
      );
    const principal = login.principalOf(req.headers.authorization);
    if (!principal)
      return armError(401, 'InvalidAuthenticationToken', 'The access token is invalid.', {
        'www-authenticate':
          'Bearer authorization_uri="https://login.microsoftonline.com/common", error="invalid_token", error_description="The access token is invalid."',
      });
    // ARM's per-principal budgets, told in x-ms-ratelimit-remaining-subscription-*.
    const now = Date.now();
    let w = windows.get(principal.clientId);
    if (!w || now - w.start >= windowMs) {
      w = { start: now, reads: 0, writes: 0 };
      windows.set(principal.clientId, w);
    }
    const read = req.method === 'GET';
    if (read) w.reads++;
    else w.writes++;
    const used = read ? w.reads : w.writes;
    if (used > budget) return throttled(Math.max(1, Math.ceil((w.start + windowMs - now) / 1000)));
    const limitHeader = read
      ? 'x-ms-ratelimit-remaining-subscription-reads'
      : 'x-ms-ratelimit-remaining-subscription-writes';
    const answer = arm(req, principal, here);
    answer.headers = { ...answer.headers, [limitHeader]: String(budget - used) };
    return answer;
  };

  const arm = (req: SimRequest, principal: Principal, here: string): SimResponse => {
    const path = req.url.pathname.replace(/\/+$/, '');
    const visible = principal.subscriptions
      .map((id) => state.subscriptions.get(id.toLowerCase()))
      .filter((s): s is { id: string; displayName: string } => !!s);
    if (/^\/subscriptions$/i.test(path)) {
      return json(200, {
        value: visible.map((s) => ({
          id: `/subscriptions/${s.id}`,
          authorizationSource: 'RoleBased',
          managedByTenants: [],
          subscriptionId: s.id,
          tenantId: principal.tenantId,
          displayName: s.displayName,
          state: 'Enabled',
          subscriptionPolicies: {
            locationPlacementId: 'Public_2014-09-01',
            quotaId: 'PayAsYouGo_2014-09-01',
            spendingLimit: 'Off',
          },
        })),
        count: { type: 'Total', value: visible.length },
      });
    }
    const sub = /^\/subscriptions\/([^/]+)/i.exec(path)?.[1] ?? '';
    if (!visible.some((s) => s.id.toLowerCase() === sub.toLowerCase())) {
      if (state.subscriptions.has(sub.toLowerCase()))
        return armError(
          403,
          'AuthorizationFailed',
          `The client '${principal.clientId}' with object id '${principal.clientId}' does not have authorization to perform action 'Microsoft.Resources/subscriptions/read' over scope '/subscriptions/${sub}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
        );
      return armError(404, 'SubscriptionNotFound', `The subscription '${sub}' could not be found.`);
    }
    if (new RegExp(`^/subscriptions/${sub}$`, 'i').test(path)) {
      const s = visible.find((v) => v.id.toLowerCase() === sub.toLowerCase())!;
      return json(200, {
        id: `/subscriptions/${s.id}`,
        subscriptionId: s.id,
        tenantId: principal.tenantId,
        displayName: s.displayName,
        state: 'Enabled',
      });
    }
    return route({ state, net, dns, principal, origin: here, pageSize }, req);
  };

  const server = await startSimServer(handler, renderFault, {
    port: options.port,
    host: options.host,
    knobs,
    tls: { key: tls.serverKey, cert: tls.serverCert },
  });
  origin = server.url;
  return {
    ...server,
    state,
    net,
    dns,
    login,
    ca: tls.ca,
    throttle: (count, retryAfterSeconds = 1) => knobs.burst({ status: 429, count, retryAfterSeconds }),
  };
}
