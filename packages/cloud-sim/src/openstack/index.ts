// An OpenStack cloud on loopback: Keystone v3 (passwords with domains and projects, application
// credentials, a service catalog per region), Nova (servers, flavors, availability zones, key
// pairs, volume attachments, microversions), Cinder v3 volumes, Glance v2 images, Neutron v2.0
// (networks, subnets, security groups, ports: neutron.ts) and Designate v2 (zones and record
// sets, PENDING until their change is served: designate.ts), each under
// its own catalog path, answering with the real paths, bodies, status codes and error formats.

import { type RunningSim, type SimKnobs, type SimResponse, startSimServer } from '../common/server';
import { type SimTiming, timingOf } from '../common/token-api';
import { RateLimiter } from '../digitalocean/rate-limit';
import { DesignateError } from './designate';
import { designateRoute } from './designate-routes';
import { OsError } from './errors';
import { Identity } from './identity';
import { neutronRoute } from './neutron-routes';
import { OsProject } from './project';
import { type ServiceContext, serviceRoute } from './routes';

export {
  FLAVORS as OPENSTACK_FLAVORS,
  IMAGES as OPENSTACK_IMAGES,
  ZONES as OPENSTACK_ZONES,
} from './catalog';
export { Designate, DesignateError, type SimRecordset, type SimZone } from './designate';
export { Identity } from './identity';
export { NeutronError, OsNeutron } from './neutron';
export { OsProject, type SimOsServer, type SimOsVolume } from './project';

/** The newest Nova microversion the emulator speaks (2024.1 "Caracal"). */
export const SIM_NOVA_MAX_MICROVERSION = '2.96';

export interface OpenStackSimOptions {
  /** Projects, each in a domain (default "Default"), seeded with `servers` servers in the first region. */
  projects: Array<{ name: string; id?: string; domain?: string; servers?: number; namePrefix?: string }>;
  /** Users, each in a domain (default "Default"), with a role on the projects named ("name" or "domain/name"). */
  users: Array<{ name: string; id?: string; domain?: string; password: string; projects: string[] }>;
  applicationCredentials?: Array<{ id: string; name: string; secret: string; user: string; project: string }>;
  /** Catalog regions; each has its own servers and volumes. Default ["RegionOne"]. */
  regions?: string[];
  /** 'v2.0-only': a Keystone older than Queens that speaks no v3 (Mist #931). */
  identity?: 'v3' | 'v2.0-only';
  /** False: a Nova before microversions (Kilo and older), served at /v2/{project_id}. */
  microversions?: boolean;
  /** The host the catalog's endpoints name (default the host the client used for Keystone). */
  catalogHost?: string;
  /** Endpoints the catalog names instead of the emulator's own (e.g. a replay of recorded answers). */
  endpoints?: Partial<Record<'compute' | 'volume' | 'image', string>>;
  /** False: a cloud without Designate, whose catalog has no dns service. Default true. */
  dns?: boolean;
  /** How long a token lives. Default an hour. */
  tokenTtlMs?: number;
  /** Per-token request budget. Default 600 a minute. */
  rateLimit?: { limit: number; windowMs: number };
  bootDelayMs?: number;
  actionDelayMs?: number;
  port?: number;
  host?: string;
  knobs?: SimKnobs;
}

export interface OpenStackRequestRecord {
  method: string;
  path: string;
  /** The project the token is scoped to, or null (Keystone calls, bad tokens). */
  project: string | null;
  /** The microversion asked for, as sent. */
  microversion: string | null;
}

export interface OpenStackSim extends RunningSim {
  readonly identity: Identity;
  readonly requestLog: OpenStackRequestRecord[];
  /** The project named `name`; throws for an unknown one. */
  project(name: string): OsProject;
  /** The Keystone URL to paste (ends in /v3). */
  readonly authUrl: string;
}

const LOG_LIMIT = 10_000;

function reply(status: number, body: unknown, headers: Record<string, string> = {}): SimResponse {
  if (body === undefined) return { status, headers };
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

const overLimit = (retryAfterS: number) =>
  reply(
    429,
    {
      overLimit: {
        code: 429,
        message: 'This request was rate-limited.',
        retryAfter: String(retryAfterS),
        details: 'Only so many requests a minute.',
      },
    },
    { 'retry-after': String(retryAfterS) },
  );

export async function startOpenStackSim(options: OpenStackSimOptions): Promise<OpenStackSim> {
  const timing: SimTiming = timingOf(options);
  const regions = options.regions ?? ['RegionOne'];
  const identity = new Identity(options.tokenTtlMs ?? 3_600_000);
  const projects = new Map<string, OsProject>();
  let n = 0;
  const idFor = (prefix: string) => `${prefix}${(++n).toString(16).padStart(28, '0')}`;
  for (const p of options.projects) {
    const domain = identity.domainByName(p.domain ?? 'Default');
    const id = p.id ?? idFor('a0');
    identity.projects.set(id, { id, name: p.name, domain });
    const project = new OsProject(id, p.name, timing);
    if (p.servers) project.seed(p.servers, p.namePrefix ?? p.name, regions[0]!);
    projects.set(id, project);
  }
  /** A project by name, or by "domain/name" where two domains hold one name. */
  const projectByName = (ref: string) => {
    const [domain, name] = ref.includes('/') ? ref.split('/', 2) : [null, ref];
    const found = [...identity.projects.values()].find(
      (p) => p.name === name && (!domain || p.domain.name === domain),
    );
    if (!found) throw new Error(`unknown project ${ref}`);
    return found;
  };

  for (const u of options.users) {
    const id = u.id ?? idFor('b0');
    identity.users.set(id, {
      id,
      name: u.name,
      domain: identity.domainByName(u.domain ?? 'Default'),
      password: u.password,
      projects: new Set(u.projects.map((p) => projectByName(p).id)),
    });
  }
  for (const c of options.applicationCredentials ?? []) {
    const user = [...identity.users.values()].find((u) => u.name === c.user);
    if (!user) throw new Error(`unknown user ${c.user}`);
    identity.appCredentials.set(c.id, { ...c, userId: user.id, projectId: projectByName(c.project).id });
  }
  const limit = options.rateLimit ?? { limit: 600, windowMs: 60_000 };
  const limiter = new RateLimiter(limit);
  const requestLog: OpenStackRequestRecord[] = [];
  const microversions = options.microversions ?? true;
  const v3 = (options.identity ?? 'v3') === 'v3';

  const catalog = (origin: string, projectId: string) => {
    const base = options.catalogHost ? origin.replace(/\/\/[^:/]+/, `//${options.catalogHost}`) : origin;
    const override = (type: string) =>
      type === 'compute'
        ? options.endpoints?.compute
        : type === 'image'
          ? options.endpoints?.image
          : type === 'block-storage' || type === 'volumev3'
            ? options.endpoints?.volume
            : undefined;
    const entry = (type: string, name: string, path: (region: string) => string) => ({
      type,
      name,
      id: `${type}-service`,
      endpoints: regions.flatMap((region) =>
        ['public', 'internal'].map((iface) => ({
          id: `${type}-${region}-${iface}`,
          interface: iface,
          region,
          region_id: region,
          url: override(type) ?? `${base}/${region}${iface === 'internal' ? '/internal' : ''}${path(region)}`,
        })),
      ),
    });
    return [
      {
        type: 'identity',
        name: 'keystone',
        id: 'identity-service',
        endpoints: [
          {
            id: 'identity-public',
            interface: 'public',
            region: regions[0],
            region_id: regions[0],
            url: `${origin}/v3`,
          },
        ],
      },
      entry('compute', 'nova', () => (microversions ? '/compute/v2.1' : `/compute/v2/${projectId}`)),
      entry('block-storage', 'cinder', () => `/volume/v3/${projectId}`),
      entry('volumev3', 'cinderv3', () => `/volume/v3/${projectId}`),
      entry('image', 'glance', () => '/image'),
      entry('network', 'neutron', () => '/network'),
      ...(options.dns === false ? [] : [entry('dns', 'designate', () => '/dns')]),
    ];
  };

  const versions = (origin: string) => {
    const values = [
      ...(v3
        ? [
            {
              id: 'v3.14',
              status: 'stable',
              updated: '2020-04-07T00:00:00Z',
              links: [{ rel: 'self', href: `${origin}/v3/` }],
              'media-types': [
                { base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' },
              ],
            },
          ]
        : []),
      {
        id: 'v2.0',
        status: v3 ? 'deprecated' : 'stable',
        updated: '2016-08-04T00:00:00Z',
        links: [{ rel: 'self', href: `${origin}/v2.0/` }],
        'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.identity-v2.0+json' }],
      },
    ];
    return { versions: { values } };
  };

  const notFound = new OsError(404, 'error', 'The resource could not be found.', 'Not Found');

  const running = await startSimServer(
    (req) => {
      const path = req.url.pathname;
      const token = typeof req.headers['x-auth-token'] === 'string' ? req.headers['x-auth-token'] : undefined;
      const asked = req.headers['openstack-api-version'] ?? req.headers['x-openstack-nova-api-version'];
      const record: OpenStackRequestRecord = {
        method: req.method,
        path: path + req.url.search,
        project: null,
        microversion: typeof asked === 'string' ? asked.replace(/^compute\s+/, '') : null,
      };
      requestLog.push(record);
      if (requestLog.length > LOG_LIMIT) requestLog.splice(0, requestLog.length - LOG_LIMIT);
      const origin = `http://${req.headers.host ?? '127.0.0.1'}`;
      const budget = limiter.take(token ?? `anonymous ${req.headers.host}`);
      if (!budget.allowed) return overLimit(budget.retryAfterS);
      try {
        let body: unknown;
        if (req.body.length > 0) {
          try {
            body = JSON.parse(req.body.toString('utf8'));
          } catch {
            throw new OsError(400, 'badRequest', 'Malformed request body');
          }
        }
        // Keystone.
        if (path === '/' && req.method === 'GET') return reply(300, versions(origin));
        if (/^\/v3\/?$/.test(path) && v3 && req.method === 'GET')
          return reply(200, { version: versions(origin).versions.values[0] });
        if (path === '/v3/auth/tokens' && v3) {
          if (req.method !== 'POST')
            throw new OsError(
              405,
              'error',
              'The method specified is not allowed for the requested URL.',
              'Method Not Allowed',
            );
          const issued = identity.issue(body);
          const project = identity.projects.get(issued.projectId);
          const user = identity.users.get(issued.userId);
          return reply(
            201,
            {
              token: {
                methods: issued.methods,
                expires_at: new Date(issued.expiresAt).toISOString().replace('Z', '000Z'),
                issued_at: new Date().toISOString().replace('Z', '000Z'),
                user: user
                  ? { id: user.id, name: user.name, domain: user.domain, password_expires_at: null }
                  : undefined,
                ...(project
                  ? {
                      project: { id: project.id, name: project.name, domain: project.domain },
                      roles: [
                        { id: 'r-member', name: 'member' },
                        { id: 'r-reader', name: 'reader' },
                      ],
                      catalog: catalog(origin, project.id),
                      is_domain: false,
                    }
                  : {}),
              },
            },
            { 'x-subject-token': issued.id },
          );
        }
        // The services, under /<region>[/internal]/<service>/...
        const match = /^\/([^/]+)(?:\/internal)?\/(compute|volume|image|network|dns)(\/.*)?$/.exec(path);
        if (!match || !regions.includes(decodeURIComponent(match[1]!))) throw notFound;
        if (match[2] === 'dns' && options.dns === false) throw notFound;
        const scoped = identity.check(token);
        const project = projects.get(scoped.projectId)!;
        record.project = project.name;
        const ctx: ServiceContext = {
          project,
          userId: scoped.userId,
          region: decodeURIComponent(match[1]!),
          service: match[2] as ServiceContext['service'],
          rest: match[3] ?? '',
          method: req.method,
          url: req.url,
          body,
          origin: `${origin}/${match[1]}/${match[2]}`,
          microversion: null,
          microversions,
        };
        if (ctx.service === 'compute' && microversions && record.microversion) {
          const wanted = record.microversion === 'latest' ? SIM_NOVA_MAX_MICROVERSION : record.microversion;
          if (
            !/^2\.\d+$/.test(wanted) ||
            Number(wanted.split('.')[1]) > Number(SIM_NOVA_MAX_MICROVERSION.split('.')[1])
          )
            return reply(406, {
              computeFault: {
                code: 406,
                message: `Version ${wanted} is not supported by the API. Minimum is 2.1 and maximum is ${SIM_NOVA_MAX_MICROVERSION}.`,
              },
            });
          ctx.microversion = wanted;
        }
        const out =
          ctx.service === 'network'
            ? neutronRoute(ctx)
            : ctx.service === 'dns'
              ? designateRoute(ctx, project.designate)
              : serviceRoute(ctx);
        const headers: Record<string, string> = ctx.microversion
          ? { 'openstack-api-version': `compute ${ctx.microversion}`, vary: 'OpenStack-API-Version' }
          : {};
        return reply(out.status, out.json, { ...headers, ...out.headers });
      } catch (err) {
        if (err instanceof OsError || err instanceof DesignateError) return reply(err.status, err.body());
        throw err;
      }
    },
    (fault) => {
      const retry = String(fault.retryAfterSeconds ?? 1);
      if (fault.status === 429) return overLimit(Number(retry));
      const words: Record<number, [string, string]> = {
        500: [
          'computeFault',
          'The server has either erred or is incapable of performing the requested operation.',
        ],
        502: ['computeFault', 'Bad Gateway'],
        503: ['serviceUnavailable', 'The service is unavailable at this time.'],
      };
      const [fault_, message] = words[fault.status]!;
      const headers: Record<string, string> =
        fault.status === 503 && fault.retryAfterSeconds !== undefined ? { 'retry-after': retry } : {};
      return reply(fault.status, { [fault_]: { code: fault.status, message } }, headers);
    },
    { port: options.port, host: options.host, knobs: options.knobs },
  );
  return {
    ...running,
    identity,
    requestLog,
    authUrl: `${running.url}/v3`,
    project(name: string) {
      const found = [...projects.values()].find((p) => p.name === name);
      if (!found) throw new Error(`unknown project ${name}`);
      return found;
    },
  };
}
