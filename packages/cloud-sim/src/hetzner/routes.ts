import { ApiError, ok, type Route, type RouteContext, wholeNumber } from '../common/token-api';
import type { HzProject, SimHzAction, SimHzServer, SimHzSshKey, SimHzVolume } from './account';
import { LOCATIONS, SERVER_TYPES } from './catalog';

const notFound = () => new ApiError(404, 'not_found', 'not found');
export const id = (raw: string | undefined) =>
  wholeNumber(raw, () => {
    throw notFound();
  });

/** Hetzner's paging: `page` and `per_page` (max 50, default 25), described in `meta.pagination`. */
export function page<T>(
  ctx: RouteContext<HzProject>,
  key: string,
  items: readonly T[],
  render: (t: T) => unknown,
) {
  const q = ctx.url.searchParams;
  const perPage = Math.min(
    50,
    Math.max(
      1,
      wholeNumber(q.get('per_page'), () => 25),
    ),
  );
  const current = Math.max(
    1,
    wholeNumber(q.get('page'), () => 1),
  );
  const last = Math.max(1, Math.ceil(items.length / perPage));
  return ok({
    [key]: items.slice((current - 1) * perPage, current * perPage).map(render),
    meta: {
      pagination: {
        page: current,
        per_page: perPage,
        previous_page: current > 1 ? current - 1 : null,
        next_page: current < last ? current + 1 : null,
        last_page: last,
        total_entries: items.length,
      },
    },
  });
}

/** A server as its project shows it: its networks and firewalls are the project's. */
export const serverJson = (project: HzProject) => (s: SimHzServer) => {
  return {
    id: s.id,
    name: s.name,
    status: s.status,
    created: s.created,
    public_net: {
      ipv4: {
        id: s.id,
        ip: s.publicIpv4,
        blocked: false,
        dns_ptr: `static.${s.publicIpv4}.clients.your-server.de`,
      },
      ipv6: null,
      floating_ips: [],
      firewalls: project.net.firewallsOf(s.id).map((f) => ({ id: f, status: 'applied' })),
    },
    private_net: project.net
      .networksOf(s.id)
      .map((n) => ({ ...n, alias_ips: [], mac_address: '86:00:00:2a:7d:e0' })),
    server_type: s.type,
    datacenter: {
      id: s.location.id,
      name: `${s.location.name}-dc14`,
      description: `${s.location.city} 1 virtual DC 14`,
      location: s.location,
    },
    image: s.image,
    iso: null,
    rescue_enabled: false,
    locked: false,
    backup_window: null,
    protection: { delete: s.deleteProtected === true, rebuild: false },
    labels: s.labels,
    volumes: s.volumeIds,
    load_balancers: [],
    primary_disk_size: s.diskGb,
    placement_group: null,
  };
};

export function volumeJson(v: SimHzVolume) {
  return {
    id: v.id,
    created: v.created,
    name: v.name,
    server: v.server,
    location: v.location,
    size: v.size,
    linux_device: `/dev/disk/by-id/scsi-0HC_Volume_${v.id}`,
    protection: { delete: false },
    labels: v.labels,
    status: v.status,
    format: null,
  };
}

export const actionJson = (a: SimHzAction) => ({
  ...a,
  progress: a.status === 'running' ? 50 : 100,
  error: null,
});

const keyJson = (k: SimHzSshKey) => ({
  id: k.id,
  name: k.name,
  fingerprint: k.fingerprint,
  public_key: k.publicKey,
  labels: {},
  created: '2024-01-01T00:00:00+00:00',
});

export const ROUTES: Route<HzProject>[] = [
  [
    'GET',
    /^\/v1\/servers$/,
    (ctx) =>
      page(
        ctx,
        'servers',
        ctx.account.listServers(ctx.url.searchParams.get('name')),
        serverJson(ctx.account),
      ),
  ],
  [
    'POST',
    /^\/v1\/servers$/,
    (ctx) => {
      const { server, action, rootPassword } = ctx.account.createServer(ctx.body);
      return ok(
        {
          server: serverJson(ctx.account)(server),
          action: actionJson(action),
          next_actions: [],
          root_password: rootPassword,
        },
        201,
      );
    },
  ],
  [
    'GET',
    /^\/v1\/servers\/([^/]+)$/,
    (ctx, [s]) => ok({ server: serverJson(ctx.account)(ctx.account.server(id(s))) }),
  ],
  [
    'PUT',
    /^\/v1\/servers\/([^/]+)$/,
    (ctx, [s]) => ok({ server: serverJson(ctx.account)(ctx.account.updateServer(id(s), ctx.body)) }),
  ],
  [
    'DELETE',
    /^\/v1\/servers\/([^/]+)$/,
    (ctx, [s]) => ok({ action: actionJson(ctx.account.deleteServer(id(s))) }),
  ],
  [
    'POST',
    /^\/v1\/servers\/([^/]+)\/actions\/([a-z_]+)$/,
    (ctx, [s, command]) => ok({ action: actionJson(ctx.account.serverAction(id(s), command!)) }, 201),
  ],
  [
    'GET',
    /^\/v1\/volumes$/,
    (ctx) => page(ctx, 'volumes', ctx.account.listVolumes(ctx.url.searchParams.get('name')), volumeJson),
  ],
  [
    'POST',
    /^\/v1\/volumes$/,
    (ctx) => {
      const { volume, action } = ctx.account.createVolume(ctx.body);
      return ok({ volume: volumeJson(volume), action: actionJson(action), next_actions: [] }, 201);
    },
  ],
  ['GET', /^\/v1\/volumes\/([^/]+)$/, (ctx, [v]) => ok({ volume: volumeJson(ctx.account.volume(id(v))) })],
  [
    'DELETE',
    /^\/v1\/volumes\/([^/]+)$/,
    (ctx, [v]) => {
      ctx.account.deleteVolume(id(v));
      return { status: 204 };
    },
  ],
  [
    'POST',
    /^\/v1\/volumes\/([^/]+)\/actions\/attach$/,
    (ctx, [v]) => ok({ action: actionJson(ctx.account.attachVolume(id(v), ctx.body)) }, 201),
  ],
  [
    'POST',
    /^\/v1\/volumes\/([^/]+)\/actions\/detach$/,
    (ctx, [v]) => ok({ action: actionJson(ctx.account.detachVolume(id(v))) }, 201),
  ],
  ['GET', /^\/v1\/actions\/([^/]+)$/, (ctx, [a]) => ok({ action: actionJson(ctx.account.getAction(id(a))) })],
  ['GET', /^\/v1\/server_types$/, (ctx) => page(ctx, 'server_types', SERVER_TYPES, (t) => t)],
  ['GET', /^\/v1\/locations$/, (ctx) => page(ctx, 'locations', LOCATIONS, (l) => l)],
  [
    'GET',
    /^\/v1\/ssh_keys$/,
    (ctx) => page(ctx, 'ssh_keys', ctx.account.listKeys(ctx.url.searchParams.get('fingerprint')), keyJson),
  ],
  ['POST', /^\/v1\/ssh_keys$/, (ctx) => ok({ ssh_key: keyJson(ctx.account.createKey(ctx.body)) }, 201)],
];
