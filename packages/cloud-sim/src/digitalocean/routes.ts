import type { DoAccount } from './account';
import { type DoImage, PUBLIC_IMAGES, REGIONS, SIZES } from './catalog';
import { domainJson, recordJson } from './domains';
import { DoApiError, notFound } from './errors';
import { firewallJson, vpcJson } from './networks';
import { paginate } from './paging';
import { actionJson, dropletJson, keyJson, volumeJson } from './render';

export interface RouteContext {
  account: DoAccount;
  url: URL;
  /** Parsed JSON body (undefined when there was none). */
  body: unknown;
  /** Scheme and host the client used, for the absolute URLs in `links`. */
  origin: string;
}

export interface RouteResult {
  status: number;
  json?: unknown;
}

type Handler = (ctx: RouteContext, params: string[]) => RouteResult;

const ok = (json: unknown, status = 200): RouteResult => ({ status, json });
const noContent = (): RouteResult => ({ status: 204 });

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw notFound();
  }
}

function numericId(raw: string | undefined): number {
  if (!raw || !/^\d{1,15}$/.test(raw)) throw notFound();
  return Number(raw);
}

function listed<T>(
  ctx: RouteContext,
  key: string,
  items: readonly T[],
  render: (t: T) => unknown,
): RouteResult {
  const { slice, links, meta } = paginate(items, ctx.url, ctx.origin);
  return ok({ [key]: slice.map(render), links, meta });
}

const ROUTES: Array<[string, RegExp, Handler]> = [
  [
    'GET',
    /^\/v2\/account$/,
    ({ account }) =>
      ok({
        account: {
          droplet_limit: account.info.dropletLimit,
          floating_ip_limit: 3,
          volume_limit: 100,
          email: account.info.email,
          uuid: account.info.uuid,
          email_verified: true,
          status: account.info.status,
          status_message: account.info.statusMessage,
        },
      }),
  ],
  ['GET', /^\/v2\/account\/keys$/, (ctx) => listed(ctx, 'ssh_keys', [...ctx.account.keys.values()], keyJson)],
  ['POST', /^\/v2\/account\/keys$/, (ctx) => ok({ ssh_key: keyJson(ctx.account.createKey(ctx.body)) }, 201)],
  [
    'GET',
    /^\/v2\/account\/keys\/([^/]+)$/,
    (ctx, [ref]) => ok({ ssh_key: keyJson(ctx.account.findKey(ref!)) }),
  ],
  [
    'DELETE',
    /^\/v2\/account\/keys\/([^/]+)$/,
    (ctx, [ref]) => {
      ctx.account.deleteKey(ref!);
      return noContent();
    },
  ],
  [
    'GET',
    /^\/v2\/droplets$/,
    (ctx) =>
      listed(
        ctx,
        'droplets',
        ctx.account.listDroplets(ctx.url.searchParams.get('tag_name') ?? undefined),
        dropletJson,
      ),
  ],
  [
    'POST',
    /^\/v2\/droplets$/,
    (ctx) => {
      const { droplet, action } = ctx.account.createDroplet(ctx.body);
      return ok(
        {
          droplet: dropletJson(droplet),
          links: {
            actions: [{ id: action.id, rel: 'create', href: `${ctx.origin}/v2/actions/${action.id}` }],
          },
        },
        202,
      );
    },
  ],
  [
    'GET',
    /^\/v2\/droplets\/([^/]+)$/,
    (ctx, [id]) => ok({ droplet: dropletJson(ctx.account.getDroplet(numericId(id))) }),
  ],
  [
    'DELETE',
    /^\/v2\/droplets\/([^/]+)$/,
    (ctx, [id]) => {
      ctx.account.deleteDroplet(numericId(id));
      return noContent();
    },
  ],
  [
    'GET',
    /^\/v2\/droplets\/([^/]+)\/actions$/,
    (ctx, [id]) => {
      const dropletId = numericId(id);
      ctx.account.getDroplet(dropletId);
      const actions = [...ctx.account.actions.values()].filter(
        (a) => a.resourceType === 'droplet' && a.resourceId === dropletId,
      );
      return listed(ctx, 'actions', actions, actionJson);
    },
  ],
  [
    'POST',
    /^\/v2\/droplets\/([^/]+)\/actions$/,
    (ctx, [id]) => ok({ action: actionJson(ctx.account.dropletAction(numericId(id), ctx.body)) }, 201),
  ],
  [
    'GET',
    /^\/v2\/droplets\/([^/]+)\/snapshots$/,
    (ctx, [id]) => listed(ctx, 'snapshots', ctx.account.dropletSnapshots(numericId(id)), (i) => i),
  ],
  [
    'GET',
    /^\/v2\/snapshots\/([^/]+)$/,
    (ctx, [id]) => ok({ snapshot: snapshotJson(ctx.account.getSnapshot(numericId(id)), ctx.account) }),
  ],
  [
    'DELETE',
    /^\/v2\/snapshots\/([^/]+)$/,
    (ctx, [id]) => {
      ctx.account.deleteSnapshot(numericId(id));
      return noContent();
    },
  ],
  [
    'GET',
    /^\/v2\/droplets\/([^/]+)\/actions\/([^/]+)$/,
    (ctx, [id, actionId]) => {
      const action = ctx.account.getAction(numericId(actionId));
      if (action.resourceId !== numericId(id)) throw notFound();
      return ok({ action: actionJson(action) });
    },
  ],
  [
    'GET',
    /^\/v2\/volumes$/,
    (ctx) =>
      listed(
        ctx,
        'volumes',
        ctx.account.listVolumes({
          name: ctx.url.searchParams.get('name'),
          region: ctx.url.searchParams.get('region'),
        }),
        volumeJson,
      ),
  ],
  ['POST', /^\/v2\/volumes$/, (ctx) => ok({ volume: volumeJson(ctx.account.createVolume(ctx.body)) }, 201)],
  ['GET', /^\/v2\/volumes\/([^/]+)$/, (ctx, [id]) => ok({ volume: volumeJson(ctx.account.getVolume(id!)) })],
  [
    'DELETE',
    /^\/v2\/volumes\/([^/]+)$/,
    (ctx, [id]) => {
      ctx.account.deleteVolume(id!);
      return noContent();
    },
  ],
  [
    'POST',
    /^\/v2\/volumes\/([^/]+)\/actions$/,
    (ctx, [id]) => ok({ action: actionJson(ctx.account.volumeAction(id!, ctx.body)) }, 202),
  ],
  ['GET', /^\/v2\/sizes$/, (ctx) => listed(ctx, 'sizes', SIZES, (s) => s)],
  ['GET', /^\/v2\/regions$/, (ctx) => listed(ctx, 'regions', REGIONS, (r) => r)],
  [
    'GET',
    /^\/v2\/images$/,
    (ctx) => {
      const type = ctx.url.searchParams.get('type');
      const privateOnly = ctx.url.searchParams.get('private') === 'true';
      const all = [...PUBLIC_IMAGES, ...ctx.account.privateImages].filter(
        (i) =>
          (!privateOnly || !i.public) &&
          (!type || (type === 'distribution' ? i.type === 'base' : type !== 'application')),
      );
      return listed(ctx, 'images', all, (i) => i);
    },
  ],
  [
    'GET',
    /^\/v2\/images\/([^/]+)$/,
    (ctx, [ref]) => {
      const image = ctx.account.findImage(ref);
      if (!image) throw notFound();
      return ok({ image });
    },
  ],
  ['GET', /^\/v2\/vpcs$/, (ctx) => listed(ctx, 'vpcs', [...ctx.account.net.vpcs.values()], vpcJson)],
  ['POST', /^\/v2\/vpcs$/, (ctx) => ok({ vpc: vpcJson(ctx.account.net.createVpc(ctx.body)) }, 201)],
  ['GET', /^\/v2\/vpcs\/([^/]+)$/, (ctx, [id]) => ok({ vpc: vpcJson(ctx.account.net.getVpc(id!)) })],
  [
    'DELETE',
    /^\/v2\/vpcs\/([^/]+)$/,
    (ctx, [id]) => {
      ctx.account.net.deleteVpc(id!, ctx.account.vpcMembers(id!).length);
      return noContent();
    },
  ],
  [
    'GET',
    /^\/v2\/vpcs\/([^/]+)\/members$/,
    (ctx, [id]) => {
      const type = ctx.url.searchParams.get('resource_type');
      // Droplets are the only members the emulator has.
      const members = type && type !== 'droplet' ? [] : ctx.account.vpcMembers(id!);
      return listed(ctx, 'members', members, (d) => ({
        urn: `do:droplet:${d.id}`,
        name: d.name,
        created_at: d.createdAt,
      }));
    },
  ],
  [
    'GET',
    /^\/v2\/firewalls$/,
    (ctx) => listed(ctx, 'firewalls', [...ctx.account.net.firewalls.values()], firewallJson),
  ],
  [
    'POST',
    /^\/v2\/firewalls$/,
    (ctx) => ok({ firewall: firewallJson(ctx.account.net.createFirewall(ctx.body)) }, 202),
  ],
  [
    'GET',
    /^\/v2\/firewalls\/([^/]+)$/,
    (ctx, [id]) => ok({ firewall: firewallJson(ctx.account.net.getFirewall(id!)) }),
  ],
  [
    'POST',
    /^\/v2\/firewalls\/([^/]+)\/rules$/,
    (ctx, [id]) => {
      ctx.account.net.changeRules(id!, ctx.body, true);
      return noContent();
    },
  ],
  [
    'DELETE',
    /^\/v2\/firewalls\/([^/]+)\/rules$/,
    (ctx, [id]) => {
      ctx.account.net.changeRules(id!, ctx.body, false);
      return noContent();
    },
  ],
  [
    'GET',
    /^\/v2\/domains$/,
    (ctx) => listed(ctx, 'domains', [...ctx.account.dns.domains.values()], domainJson),
  ],
  ['POST', /^\/v2\/domains$/, (ctx) => ok({ domain: domainJson(ctx.account.dns.create(ctx.body)) }, 201)],
  [
    'GET',
    /^\/v2\/domains\/([^/]+)$/,
    (ctx, [name]) => ok({ domain: domainJson(ctx.account.dns.get(name!)) }),
  ],
  [
    'DELETE',
    /^\/v2\/domains\/([^/]+)$/,
    (ctx, [name]) => {
      ctx.account.dns.delete(name!);
      return noContent();
    },
  ],
  [
    'GET',
    /^\/v2\/domains\/([^/]+)\/records$/,
    (ctx, [name]) => {
      const type = ctx.url.searchParams.get('type');
      const records = [...ctx.account.dns.get(name!).records.values()].filter(
        (r) => !type || r.type === type,
      );
      return listed(ctx, 'domain_records', records, recordJson);
    },
  ],
  [
    'POST',
    /^\/v2\/domains\/([^/]+)\/records$/,
    (ctx, [name]) => {
      const dns = ctx.account.dns;
      return ok({ domain_record: recordJson(dns.createRecord(dns.get(name!), ctx.body)) }, 201);
    },
  ],
  [
    'GET',
    /^\/v2\/domains\/([^/]+)\/records\/([^/]+)$/,
    (ctx, [name, id]) => {
      const dns = ctx.account.dns;
      return ok({ domain_record: recordJson(dns.record(dns.get(name!), numericId(id))) });
    },
  ],
  ...(['PUT', 'PATCH'] as const).map((method): [string, RegExp, Handler] => [
    method,
    /^\/v2\/domains\/([^/]+)\/records\/([^/]+)$/,
    (ctx, [name, id]) => {
      const dns = ctx.account.dns;
      return ok({ domain_record: recordJson(dns.updateRecord(dns.get(name!), numericId(id), ctx.body)) });
    },
  ]),
  [
    'DELETE',
    /^\/v2\/domains\/([^/]+)\/records\/([^/]+)$/,
    (ctx, [name, id]) => {
      const dns = ctx.account.dns;
      dns.deleteRecord(dns.get(name!), numericId(id));
      return noContent();
    },
  ],
  [
    'GET',
    /^\/v2\/actions$/,
    (ctx) => {
      ctx.account.settle();
      return listed(ctx, 'actions', [...ctx.account.actions.values()], actionJson);
    },
  ],
  [
    'GET',
    /^\/v2\/actions\/([^/]+)$/,
    (ctx, [id]) => ok({ action: actionJson(ctx.account.getAction(numericId(id))) }),
  ],
];

/** A snapshot as /v2/snapshots renders it: ids as strings, and the resource it was taken of. */
function snapshotJson(image: DoImage, account: DoAccount) {
  return {
    id: String(image.id),
    name: image.name,
    regions: image.regions,
    created_at: image.created_at,
    resource_id: String(account.snapshotOf.get(image.id) ?? ''),
    resource_type: 'droplet',
    min_disk_size: image.min_disk_size,
    size_gigabytes: image.size_gigabytes,
    tags: image.tags,
  };
}

/** Finds and runs the route for a request; unknown paths answer 404 as DigitalOcean does. */
export function route(method: string, ctx: RouteContext): RouteResult {
  let pathMatched = false;
  for (const [m, pattern, handler] of ROUTES) {
    const match = pattern.exec(ctx.url.pathname);
    if (!match) continue;
    pathMatched = true;
    if (m === method) return handler(ctx, match.slice(1).map(safeDecode));
  }
  if (pathMatched)
    throw new DoApiError(405, 'method_not_allowed', `${method} is not allowed on this resource.`);
  throw notFound();
}
