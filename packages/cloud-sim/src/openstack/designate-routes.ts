// Designate's API v2 under the catalog's dns endpoint: /v2/zones and /v2/zones/{id}/recordsets,
// in Designate's JSON (zones and record sets with status and action, `links.next` paging by
// limit and marker, `metadata.total_count`); changes answer 202 with the resource as it now is.

import { type Designate, DesignateError, type SimRecordset, type SimZone } from './designate';
import { markedWindow, type Out, type ServiceContext } from './routes';

const PATH = /^\/v2\/zones(?:\/([^/]+)(?:\/recordsets(?:\/([^/]+))?)?)?$/;
const RECORDSETS = /\/recordsets(\/|$)/;

function zoneJson(z: SimZone, origin: string, projectId: string) {
  return {
    id: z.id,
    pool_id: '794ccc2c-d751-44fe-b57f-8894c9f5c842',
    project_id: projectId,
    name: z.name,
    email: z.email,
    ttl: z.ttl,
    serial: z.serial,
    status: z.status,
    action: z.action,
    description: z.description,
    masters: [],
    type: 'PRIMARY',
    transferred_at: null,
    version: z.version,
    created_at: z.createdAt,
    updated_at: z.updatedAt,
    attributes: {},
    links: { self: `${origin}/v2/zones/${z.id}` },
  };
}

function setJson(z: SimZone, s: SimRecordset, origin: string, projectId: string) {
  return {
    id: s.id,
    zone_id: z.id,
    project_id: projectId,
    name: s.name,
    zone_name: z.name,
    type: s.type,
    records: s.records,
    ttl: s.ttl,
    status: s.status,
    action: s.action,
    description: s.description,
    version: s.version,
    created_at: s.createdAt,
    updated_at: s.updatedAt,
    links: { self: `${origin}/v2/zones/${z.id}/recordsets/${s.id}` },
  };
}

/** Designate's paging: `limit` and `marker` (the last id), a `links.next` while more remain. */
function page<T extends { id: string }>(
  ctx: ServiceContext,
  key: string,
  path: string,
  items: T[],
  render: (t: T) => unknown,
): Out {
  const q = ctx.url.searchParams;
  const { limit, start, slice } = markedWindow(
    q,
    items,
    (marker) => new DesignateError(400, 'invalid_marker', `Marker ${marker} could not be found`),
  );
  const next = new URL(`${ctx.origin}${path}`);
  for (const [k, v] of q) if (k !== 'marker' && k !== 'limit') next.searchParams.set(k, v);
  next.searchParams.set('limit', String(limit));
  next.searchParams.set('marker', slice.at(-1)?.id ?? '');
  return {
    status: 200,
    json: {
      [key]: slice.map(render),
      links: {
        self: `${ctx.origin}${path}${ctx.url.search}`,
        ...(start + limit < items.length ? { next: next.toString() } : {}),
      },
      metadata: { total_count: items.length },
    },
  };
}

export function designateRoute(ctx: ServiceContext, designate: Designate): Out {
  const m = PATH.exec(ctx.rest);
  if (!m) throw new DesignateError(404, 'not_found', 'The resource could not be found.');
  const zoneId = m[1] === undefined ? undefined : decodeURIComponent(m[1]);
  const setId = m[2] === undefined ? undefined : decodeURIComponent(m[2]);
  const zone = (z: SimZone) => zoneJson(z, ctx.origin, ctx.project.id);
  const set = (z: SimZone, s: SimRecordset) => setJson(z, s, ctx.origin, ctx.project.id);
  const accepted = (json: unknown): Out => ({ status: 202, json });
  const inSets = RECORDSETS.test(ctx.rest);
  const key = `${zoneId ? (inSets ? (setId ? 'set' : 'sets') : 'zone') : 'zones'} ${ctx.method}`;
  switch (key) {
    case 'zones GET': {
      const name = ctx.url.searchParams.get('name');
      const all = designate.list().filter((z) => !name || z.name === name.toLowerCase());
      return page(ctx, 'zones', '/v2/zones', all, zone);
    }
    case 'zones POST':
      return accepted(zone(designate.createZone(ctx.body)));
    case 'zone GET':
      return { status: 200, json: zone(designate.zone(zoneId!)) };
    case 'zone DELETE':
      return accepted(zone(designate.deleteZone(zoneId!)));
    case 'sets GET': {
      const z = designate.zone(zoneId!);
      const q = ctx.url.searchParams;
      const sets = designate.recordsets(z.id, { name: q.get('name'), type: q.get('type') });
      return page(ctx, 'recordsets', `/v2/zones/${z.id}/recordsets`, sets, (s) => set(z, s));
    }
    case 'sets POST': {
      const made = designate.createRecordset(zoneId!, ctx.body);
      return accepted(set(designate.zone(zoneId!), made));
    }
    case 'set GET':
      return { status: 200, json: set(designate.zone(zoneId!), designate.recordset(zoneId!, setId!)) };
    case 'set PUT': {
      const changed = designate.updateRecordset(zoneId!, setId!, ctx.body);
      return accepted(set(designate.zone(zoneId!), changed));
    }
    case 'set DELETE': {
      const gone = designate.deleteRecordset(zoneId!, setId!);
      return accepted(set(designate.zone(zoneId!), gone));
    }
    default:
      throw new DesignateError(405, 'method_not_allowed', 'The method is not allowed for the requested URL.');
  }
}
