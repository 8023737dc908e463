import type { KeyObject } from 'node:crypto';
import {
  type Fault,
  type RunningSim,
  type SimKnobs,
  type SimRequest,
  type SimResponse,
  startSimServer,
} from '../common/server';
import { TokenIssuer } from './auth';
import { PUBLIC_IMAGE_PROJECTS, ZONES } from './catalog';
import { cloudDnsRoute } from './dns-routes';
import { forbidden, GceApiError, unauthenticated } from './errors';
import { IdSource } from './ids';
import { GceProject } from './project';
import { matchRoute, publicImages } from './routes';

export interface GceSimServiceAccount {
  email: string;
  /** Projects the account may use; any other project answers 403. */
  projects: string[];
  /** PEM or KeyObject. When given, token requests must be signed with the matching private key. */
  publicKey?: string | KeyObject;
}

export interface GceSimProjectOptions {
  id: string;
  /** How many deterministic instances to seed (each with its boot disk). */
  instances?: number;
  /** Seeded names are `<prefix>-000000`, ... */
  namePrefix?: string;
  /** Zones the project has; default all of the catalog's. */
  zones?: string[];
  /** Cloud DNS managed zones to seed (name -> DNS name), each with NS, SOA, an apex A and a www CNAME. Default: example-net -> example.net. */
  dnsZones?: Record<string, string>;
}

export interface GceSimOptions {
  serviceAccounts: GceSimServiceAccount[];
  projects: GceSimProjectOptions[];
  port?: number;
  host?: string;
  knobs?: SimKnobs;
  /** Each provisioning step (PROVISIONING->STAGING->RUNNING, CREATING->READY). Default 300 ms. */
  provisionMs?: number;
  /** STOPPING -> TERMINATED (and deletion). Default 300 ms. */
  stopMs?: number;
  /** RUNNING -> DONE for operations. Default 200 ms. */
  operationMs?: number;
  /** Lifetime of issued access tokens. Default 3599 s, as Google's. */
  tokenTtlSeconds?: number;
  /** Longest an operations `wait` call blocks. Default 120 s, as Compute Engine's. */
  waitCapMs?: number;
}

export interface GceRequestRecord {
  method: string;
  path: string;
  /** Service account email behind the token, or null. */
  caller: string | null;
}

export interface GceSim extends RunningSim {
  /** The OAuth token endpoint; put it in the service account JSON as `token_uri`. */
  tokenUri: string;
  readonly projects: Map<string, GceProject>;
  project(id: string): GceProject;
  readonly auth: TokenIssuer;
  /** The most recent requests (up to 10,000), oldest first. */
  readonly requestLog: GceRequestRecord[];
}

const LOG_LIMIT = 10_000;
const JSON_HEADERS = { 'content-type': 'application/json; charset=UTF-8' };

const json = (status: number, body: unknown, headers: Record<string, string> = {}): SimResponse => ({
  status,
  headers: { ...JSON_HEADERS, ...headers },
  body: JSON.stringify(body),
});

const apiError = (err: GceApiError, headers: Record<string, string> = {}) =>
  json(err.code, err.body(), headers);

function renderFault(fault: Fault): SimResponse {
  const retry: Record<string, string> =
    fault.retryAfterSeconds === undefined ? {} : { 'retry-after': String(fault.retryAfterSeconds) };
  switch (fault.status) {
    case 429:
      return apiError(
        new GceApiError(429, 'rateLimitExceeded', 'Rate Limit Exceeded', 'RESOURCE_EXHAUSTED', 'usageLimits'),
        retry,
      );
    case 503:
      return apiError(
        new GceApiError(503, 'backendError', 'The service is currently unavailable.', 'UNAVAILABLE'),
        retry,
      );
    case 502:
      return apiError(new GceApiError(502, 'backendError', 'Bad Gateway', 'UNAVAILABLE'));
    default:
      return apiError(
        new GceApiError(
          500,
          'backendError',
          'Internal error. Please try again or contact Google Support.',
          'INTERNAL',
        ),
      );
  }
}

/**
 * Starts a Compute Engine v1 emulator with its own OAuth token endpoint. Service accounts
 * exchange signed JWTs for tokens at `tokenUri`; the API accepts only tokens it issued.
 */
export async function startGceSim(options: GceSimOptions): Promise<GceSim> {
  const ids = new IdSource();
  const timing = {
    provisionMs: options.provisionMs ?? 300,
    stopMs: options.stopMs ?? 300,
    operationMs: options.operationMs ?? 200,
  };
  const waitCapMs = options.waitCapMs ?? 120_000;
  const auth = new TokenIssuer(options.tokenTtlSeconds ?? 3599);
  for (const sa of options.serviceAccounts) auth.addAccount(sa.email, sa.projects, sa.publicKey);
  const projects = new Map<string, GceProject>();
  for (const p of options.projects) {
    const project = new GceProject(p.id, p.zones ?? ZONES.map((z) => z.name), timing, ids);
    if (p.instances) project.seed(p.instances, p.namePrefix);
    for (const [name, dnsName] of Object.entries(p.dnsZones ?? { 'example-net': 'example.net' })) {
      const zone = project.dns.createZone(name, dnsName);
      project.dns.put(zone, { name: zone.dnsName, type: 'A', ttl: 300, rrdatas: ['203.0.113.30'] });
      project.dns.put(zone, {
        name: `www.${zone.dnsName}`,
        type: 'CNAME',
        ttl: 300,
        rrdatas: [zone.dnsName],
      });
    }
    projects.set(p.id, project);
  }
  const requestLog: GceRequestRecord[] = [];

  const handler = async (req: SimRequest): Promise<SimResponse> => {
    const path = req.url.pathname;
    const caller = auth.identify(req.headers.authorization);
    requestLog.push({ method: req.method, path: path + req.url.search, caller: caller?.email ?? null });
    if (requestLog.length > LOG_LIMIT) requestLog.splice(0, requestLog.length - LOG_LIMIT);
    try {
      if (path === '/token') {
        if (req.method !== 'POST')
          return json(405, { error: 'invalid_request', error_description: 'POST only' });
        const answer = auth.exchange(req.body.toString('utf8'));
        return json(answer.status, answer.body);
      }
      const dns = /^\/dns\/v1\/projects\/([^/]+)\/(.+)$/.exec(path);
      if (dns) {
        if (!caller)
          return apiError(unauthenticated(), {
            'www-authenticate': 'Bearer realm="https://accounts.google.com/"',
          });
        const project = projects.get(dns[1]!);
        if (!project || !caller.projects.has(dns[1]!))
          throw forbidden('dns.managedZones.list', `projects/${dns[1]}`);
        let body: unknown;
        if (req.body.length > 0) {
          try {
            body = JSON.parse(req.body.toString('utf8'));
          } catch {
            throw new GceApiError(400, 'parseError', 'Invalid JSON payload received.', 'INVALID_ARGUMENT');
          }
        }
        const answer = cloudDnsRoute(project.dns, req.method, dns[2]!, req.url, body);
        return answer === undefined ? { status: 204 } : json(200, answer);
      }
      const m = /^\/compute\/v1\/projects\/([^/]+)\/(.+)$/.exec(path);
      if (!m)
        throw new GceApiError(
          404,
          'notFound',
          'The requested URL was not found on this server.',
          'NOT_FOUND',
        );
      if (!caller)
        return apiError(unauthenticated(), {
          'www-authenticate': 'Bearer realm="https://accounts.google.com/"',
        });
      const [, projectId, rest] = m as unknown as [string, string, string];
      if (req.method === 'GET' && PUBLIC_IMAGE_PROJECTS.includes(projectId) && !projects.has(projectId)) {
        return json(200, publicImages(projectId, rest, req.url));
      }
      const matched = matchRoute(req.method, rest);
      if (matched instanceof GceApiError) throw matched;
      const project = projects.get(projectId);
      if (!project || !caller.projects.has(projectId))
        throw forbidden(matched.route.permission, `projects/${projectId}`);
      let body: unknown;
      if (req.body.length > 0) {
        try {
          body = JSON.parse(req.body.toString('utf8'));
        } catch {
          throw new GceApiError(400, 'parseError', 'Invalid JSON payload received.', 'INVALID_ARGUMENT');
        }
      }
      const out = await matched.route.handle(
        { project, url: req.url, body, user: caller.email, waitCapMs },
        matched.params,
      );
      return json(200, out);
    } catch (err) {
      if (err instanceof GceApiError) return apiError(err);
      return apiError(
        new GceApiError(
          500,
          'backendError',
          'Internal error. Please try again or contact Google Support.',
          'INTERNAL',
        ),
      );
    }
  };

  const running = await startSimServer(handler, renderFault, {
    port: options.port,
    host: options.host,
    knobs: options.knobs,
  });
  return {
    ...running,
    tokenUri: `${running.url}/token`,
    projects,
    auth,
    requestLog,
    project(id: string) {
      const project = projects.get(id);
      if (!project) throw new Error(`unknown project ${id}`);
      return project;
    },
  };
}
