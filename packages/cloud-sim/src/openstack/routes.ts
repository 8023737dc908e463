// The Nova, Cinder and Glance routes of one project in one region.

import { isObject, wholeNumber } from '../common/token-api';
import { FLAVORS, IMAGES, type OsImage, ZONES } from './catalog';
import { badRequest, itemNotFound, OsError } from './errors';
import { compareVersions, type OsProject } from './project';
import { imageJson, serverJson, volumeJson } from './render';

export interface ServiceContext {
  project: OsProject;
  userId: string;
  region: string;
  service: 'compute' | 'volume' | 'image' | 'network' | 'dns';
  /** The path below the service's root. */
  rest: string;
  method: string;
  url: URL;
  body: unknown;
  /** The service's root as the client reached it, for links. */
  origin: string;
  /** The Nova microversion in force (null: 2.1 or a cloud without microversions). */
  microversion: string | null;
  microversions: boolean;
}

export interface Out {
  status: number;
  json?: unknown;
  headers?: Record<string, string>;
}

const ok = (json: unknown, status = 200): Out => ({ status, json });
const notFound = () => new OsError(404, 'itemNotFound', 'The resource could not be found.');

/**
 * Nova's and Cinder's paging: `limit` (capped at 1000) and `marker`, the last id seen; a full
 * page carries a `next` link.
 */
export function page<T extends { id: string }>(
  ctx: ServiceContext,
  key: string,
  base: string,
  items: T[],
  render: (t: T) => unknown,
): Out {
  const { limit, start, slice } = markedWindow(ctx.url.searchParams, items, (marker) =>
    badRequest(`marker [${marker}] not found`),
  );
  const full = slice.length === limit && start + limit < items.length;
  const links = full
    ? [{ rel: 'next', href: `${base}?limit=${limit}&marker=${slice.at(-1)!.id}` }]
    : undefined;
  return ok({ [key]: slice.map(render), ...(links ? { [`${key}_links`]: links } : {}) });
}

/** The items a `limit` (1 to 1000) and `marker` (the last id seen) ask for; an unknown marker is `refused`. */
export function markedWindow<T extends { id: string }>(
  q: URLSearchParams,
  items: T[],
  refused: (marker: string) => Error,
): { limit: number; start: number; slice: T[] } {
  const limit = Math.min(
    1000,
    Math.max(
      1,
      wholeNumber(q.get('limit'), () => 1000),
    ),
  );
  const marker = q.get('marker');
  let start = 0;
  if (marker) {
    const at = items.findIndex((i) => i.id === marker);
    if (at < 0) throw refused(marker);
    start = at + 1;
  }
  return { limit, start, slice: items.slice(start, start + limit) };
}

function compute(ctx: ServiceContext): Out {
  const { project, region, method, origin } = ctx;
  // Before microversions Nova is reached at /v2/{project_id}; with them at /v2.1.
  const prefix = ctx.microversions ? /^\/v2\.1/ : new RegExp(`^/v2/${project.id}`);
  if (!prefix.test(ctx.rest)) throw notFound();
  const rest = ctx.rest.replace(prefix, '');
  const root = `${origin}${ctx.microversions ? '/v2.1' : `/v2/${project.id}`}`;
  const server = (s: Parameters<typeof serverJson>[0]) =>
    serverJson(s, root, project.id, ctx.userId, ctx.microversion);
  if (rest === '' || rest === '/') {
    if (method !== 'GET') throw notFound();
    return ok({
      version: ctx.microversions
        ? {
            id: 'v2.1',
            status: 'CURRENT',
            version: '2.96',
            min_version: '2.1',
            updated: '2013-07-23T11:33:21Z',
            links: [{ rel: 'self', href: `${root}/` }],
          }
        : {
            id: 'v2.0',
            status: 'SUPPORTED',
            version: '',
            min_version: '',
            updated: '2011-01-21T11:33:21Z',
            links: [{ rel: 'self', href: `${root}/` }],
          },
    });
  }
  if (rest === '/servers' && method === 'GET')
    return page(ctx, 'servers', `${root}/servers`, project.listServers(region), (s) => ({
      id: s.id,
      name: s.name,
      links: [],
    }));
  if (rest === '/servers/detail' && method === 'GET')
    return page(ctx, 'servers', `${root}/servers/detail`, project.listServers(region), server);
  if (rest === '/servers' && method === 'POST') {
    const made = project.createServer(region, ctx.body, ctx.microversion);
    return ok(
      {
        server: {
          id: made.id,
          links: [{ rel: 'self', href: `${root}/servers/${made.id}` }],
          'OS-DCF:diskConfig': 'MANUAL',
          security_groups: [{ name: 'default' }],
          adminPass: 'sim-admin-pass',
        },
      },
      202,
    );
  }
  const serverPath = /^\/servers\/([^/]+)$/.exec(rest);
  if (serverPath) {
    const id = decodeURIComponent(serverPath[1]!);
    if (method === 'GET') return ok({ server: server(project.server(region, id)) });
    if (method === 'PUT') return ok({ server: server(project.rename(region, id, ctx.body)) });
    if (method === 'DELETE') {
      project.deleteServer(region, id);
      return { status: 204 };
    }
  }
  const actionPath = /^\/servers\/([^/]+)\/action$/.exec(rest);
  if (actionPath && method === 'POST') {
    const id = decodeURIComponent(actionPath[1]!);
    const image = project.serverAction(region, id, ctx.body);
    const action = isObject(ctx.body) ? Object.keys(ctx.body)[0] : undefined;
    if (action === 'confirmResize') return { status: 204 };
    if (action === 'rebuild') return ok({ server: server(project.server(region, id)) }, 202);
    if (image) {
      // From microversion 2.45 the image's id comes in the body; before, in the Location header.
      if (ctx.microversion && compareVersions(ctx.microversion, '2.45') >= 0)
        return ok({ image_id: image.id }, 202);
      return {
        status: 202,
        headers: { location: `${ctx.origin.replace(/\/compute$/, '/image')}/v2/images/${image.id}` },
      };
    }
    return { status: 202 };
  }
  const attachmentsPath = /^\/servers\/([^/]+)\/os-volume_attachments$/.exec(rest);
  if (attachmentsPath) {
    const id = decodeURIComponent(attachmentsPath[1]!);
    if (method === 'POST') {
      const volume = project.attach(region, id, ctx.body);
      return ok({
        volumeAttachment: { id: volume.id, volumeId: volume.id, serverId: id, device: '/dev/vdb' },
      });
    }
    if (method === 'GET') {
      const s = project.server(region, id);
      return ok({
        volumeAttachments: s.volumeIds.map((v) => ({ id: v, volumeId: v, serverId: id, device: '/dev/vdb' })),
      });
    }
  }
  const attachmentPath = /^\/servers\/([^/]+)\/os-volume_attachments\/([^/]+)$/.exec(rest);
  if (attachmentPath && method === 'DELETE') {
    project.detach(region, decodeURIComponent(attachmentPath[1]!), decodeURIComponent(attachmentPath[2]!));
    return { status: 202 };
  }
  if (rest === '/flavors/detail' && method === 'GET')
    return page(ctx, 'flavors', `${root}/flavors/detail`, FLAVORS, (f) => ({
      id: f.id,
      name: f.name,
      vcpus: f.vcpus,
      ram: f.ram,
      disk: f.disk,
      swap: f.swap === 0 ? '' : f.swap,
      'OS-FLV-EXT-DATA:ephemeral': f.ephemeral,
      'OS-FLV-DISABLED:disabled': false,
      'os-flavor-access:is_public': f.isPublic,
      rxtx_factor: 1.0,
      links: [{ rel: 'self', href: `${root}/flavors/${f.id}` }],
      ...(ctx.microversion ? { description: null, extra_specs: {} } : {}),
    }));
  if (rest === '/os-availability-zone' && method === 'GET')
    return ok({
      availabilityZoneInfo: ZONES.map((z) => ({ zoneName: z, zoneState: { available: true }, hosts: null })),
    });
  if (rest === '/os-keypairs' && method === 'GET')
    return ok({
      keypairs: [...project.keypairs.values()].map((k) => ({
        keypair: {
          name: k.name,
          public_key: k.publicKey,
          fingerprint: k.fingerprint,
          ...(ctx.microversion ? { type: 'ssh' } : {}),
        },
      })),
    });
  if (rest === '/os-keypairs' && method === 'POST') {
    const k = project.importKeypair(ctx.body);
    return ok(
      { keypair: { name: k.name, public_key: k.publicKey, fingerprint: k.fingerprint, user_id: ctx.userId } },
      ctx.microversion ? 201 : 200,
    );
  }
  const keypairPath = /^\/os-keypairs\/([^/]+)$/.exec(rest);
  if (keypairPath && method === 'GET') {
    const k = project.keypair(decodeURIComponent(keypairPath[1]!));
    return ok({
      keypair: { name: k.name, public_key: k.publicKey, fingerprint: k.fingerprint, user_id: ctx.userId },
    });
  }
  throw notFound();
}

function volume(ctx: ServiceContext): Out {
  const { project, region, method } = ctx;
  const prefix = `/v3/${project.id}`;
  if (!ctx.rest.startsWith(prefix)) throw notFound();
  const rest = ctx.rest.slice(prefix.length);
  const root = `${ctx.origin}${prefix}`;
  const render = (v: Parameters<typeof volumeJson>[0]) => volumeJson(v, project.id);
  if (rest === '/volumes/detail' && method === 'GET')
    return page(ctx, 'volumes', `${root}/volumes/detail`, project.listVolumes(region), render);
  if (rest === '/volumes' && method === 'POST')
    return ok({ volume: render(project.createVolume(region, ctx.body)) }, 202);
  const volumePath = /^\/volumes\/([^/]+)$/.exec(rest);
  if (volumePath) {
    const id = decodeURIComponent(volumePath[1]!);
    if (method === 'GET') return ok({ volume: render(project.volume(region, id)) });
    if (method === 'DELETE') {
      project.deleteVolume(region, id);
      return { status: 202 };
    }
  }
  throw new OsError(404, 'itemNotFound', 'The resource could not be found.');
}

/** Query parameters of Glance's list that are not property filters. */
const GLANCE_PAGING = new Set(['limit', 'marker', 'sort', 'sort_key', 'sort_dir']);

/**
 * Glance v2: the public images and the project's own snapshots in the region; `limit` and
 * `marker`, a `next` link relative to Glance's root while more remain, and any other query
 * parameter a filter on the image's field or property of that name (instance_uuid, image_type).
 */
function image(ctx: ServiceContext): Out {
  const { project, region } = ctx;
  const render = (i: OsImage) => imageJson(i, project.id);
  const one = /^\/v2\/images\/([^/]+)$/.exec(ctx.rest);
  if (one && (ctx.method === 'GET' || ctx.method === 'DELETE')) {
    const id = decodeURIComponent(one[1]!);
    const found = project.image(region, id);
    if (found && found.id === id) {
      if (ctx.method === 'GET') return ok(render(found));
      if (!project.images.has(id))
        throw new OsError(403, 'glance', 'You are not authorized to complete this action.');
      project.images.delete(id);
      return { status: 204 };
    }
  }
  if (ctx.rest !== '/v2/images' || ctx.method !== 'GET') {
    // Glance's errors are plain words, not JSON.
    throw new OsError(404, 'glance', 'The resource could not be found.');
  }
  const q = ctx.url.searchParams;
  const limit = Math.min(
    1000,
    Math.max(
      1,
      wholeNumber(q.get('limit'), () => 25),
    ),
  );
  const marker = q.get('marker');
  project.settle();
  const own = [...project.images.values()].filter((i) => i.region === region);
  const filters = [...q].filter(([k]) => !GLANCE_PAGING.has(k));
  const visible = [
    ...IMAGES.filter((i) => i.visibility === 'public' || i.id.startsWith('4d8b')),
    ...own,
  ].filter((i) => {
    const fields = render(i) as Record<string, unknown>;
    return filters.every(([k, v]) => String(fields[k]) === v);
  });
  let start = 0;
  if (marker) {
    const at = visible.findIndex((i) => i.id === marker);
    if (at < 0) throw itemNotFound(`Image ${marker} not found.`);
    start = at + 1;
  }
  const slice = visible.slice(start, start + limit);
  const more = start + limit < visible.length;
  const query = filters.map(([k, v]) => `&${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('');
  return ok({
    images: slice.map(render),
    first: `/v2/images?limit=${limit}${query}`,
    schema: '/v2/schemas/images',
    ...(more ? { next: `/v2/images?marker=${slice.at(-1)!.id}&limit=${limit}${query}` } : {}),
  });
}

export function serviceRoute(ctx: ServiceContext): Out {
  switch (ctx.service) {
    case 'compute':
      return compute(ctx);
    case 'volume':
      return volume(ctx);
    case 'image':
      return image(ctx);
    default:
      throw notFound();
  }
}
