import {
  ApiError,
  startTokenApi,
  type TokenApiSim,
  type TokenSimOptions,
  timingOf,
} from '../common/token-api';
import { HzIds, HzProject } from './account';
import { IMAGE_ROUTES } from './image-routes';
import { NETWORK_ROUTES } from './network-routes';
import { ROUTES } from './routes';
import { ZONE_ROUTES } from './zone-routes';
import { HzInputError } from './zones';

export type { HzServerStatus, SimHzServer, SimHzVolume } from './account';
export { HzProject } from './account';
export {
  IMAGES as HETZNER_IMAGES,
  LOCATIONS as HETZNER_LOCATIONS,
  SERVER_TYPES as HETZNER_SERVER_TYPES,
} from './catalog';
export type { SimHzSnapshot } from './images';
export type { SimHzFirewall, SimHzNetwork, SimHzRule } from './networks';
export type { SimHzRrset, SimHzZone } from './zones';

export interface HetznerSimOptions extends TokenSimOptions {
  /** One project per API token, seeded with `servers` servers named `<prefix>-000000`... */
  projects: Array<{ token: string; servers?: number; namePrefix?: string }>;
}

export interface HetznerSim extends TokenApiSim<HzProject> {
  /** The project behind a token (Hetzner's word for an account); throws for an unknown token. */
  project(token: string): HzProject;
}

/** Hetzner Cloud's error format: `{ error: { code, message, details } }`. */
const error = (status: number, code: string, message: string) => new ApiError(status, code, message);

/** Starts a Hetzner Cloud API v1 emulator; each project is reached only through its own token. */
export async function startHetznerSim(options: HetznerSimOptions): Promise<HetznerSim> {
  const ids = new HzIds();
  const timing = timingOf(options);
  const projects = new Map<string, HzProject>();
  for (const p of options.projects) {
    const project = new HzProject(ids, timing);
    if (p.servers) project.seed(p.servers, p.namePrefix ?? 'server');
    projects.set(p.token, project);
  }
  const limit = options.rateLimit ?? { limit: 3600, windowMs: 3_600_000 };
  const sim = await startTokenApi({
    routes: [...IMAGE_ROUTES, ...ROUTES, ...NETWORK_ROUTES, ...ZONE_ROUTES],
    accounts: projects,
    errorBody: (err) => ({
      error: {
        code: err.code,
        message: err.message,
        details: err instanceof HzInputError ? err.details : {},
      },
    }),
    unauthorized: error(401, 'unauthorized', 'unable to authenticate'),
    notFound: error(404, 'not_found', 'not found'),
    faults: {
      429: error(429, 'rate_limit_exceeded', `limit of ${limit.limit} requests per hour reached`),
      500: error(500, 'server_error', 'internal server error'),
      502: error(502, 'server_error', 'bad gateway'),
      503: error(503, 'unavailable', 'service unavailable'),
    },
    rateLimit: {
      ...limit,
      exceeded: error(429, 'rate_limit_exceeded', `limit of ${limit.limit} requests per hour reached`),
    },
    rateHeaders: (lim, remaining, reset) => ({
      'ratelimit-limit': String(lim),
      'ratelimit-remaining': String(remaining),
      'ratelimit-reset': String(reset),
    }),
    port: options.port,
    host: options.host,
    knobs: options.knobs,
  });
  return { ...sim, project: sim.account };
}
