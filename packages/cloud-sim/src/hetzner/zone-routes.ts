// /v1/zones and /v1/zones/{id_or_name}/rrsets in Hetzner's JSON: zones by id or name, record
// sets by name and type, changes as actions.

import { ApiError, ok, type Route } from '../common/token-api';
import type { HzProject } from './account';
import { actionJson, page } from './routes';
import { HETZNER_NAMESERVERS, type SimHzRrset, type SimHzZone } from './zones';

const zoneJson = (z: SimHzZone) => ({
  id: z.id,
  name: z.name,
  created: z.created,
  mode: z.mode,
  ttl: z.ttl,
  labels: {},
  protection: { delete: false },
  status: 'ok',
  record_count: [...z.rrsets.values()].reduce((n, s) => n + s.records.length, 0),
  authoritative_nameservers: {
    assigned: z.mode === 'primary' ? HETZNER_NAMESERVERS.map((n) => n.slice(0, -1)) : [],
    delegated: [],
    delegation_last_check: null,
    delegation_status: 'unknown',
  },
  primary_nameservers: [],
  registrar: 'other',
});

const rrsetJson = (z: SimHzZone) => (s: SimHzRrset) => ({
  id: `${s.name}/${s.type}`,
  name: s.name,
  type: s.type,
  ttl: s.ttl,
  labels: {},
  protection: { change: false },
  records: s.records,
  zone: z.id,
});

/** A path segment as sent: names like "_sip._tcp" and "@" may come percent-encoded. */
const seg = (raw: string | undefined) => {
  try {
    return decodeURIComponent(raw ?? '');
  } catch {
    throw new ApiError(404, 'not_found', 'not found');
  }
};

const RRSET = '^\\/v1\\/zones\\/([^/]+)\\/rrsets\\/([^/]+)\\/([^/]+)';

export const ZONE_ROUTES: Route<HzProject>[] = [
  ['GET', /^\/v1\/zones$/, (ctx) => page(ctx, 'zones', [...ctx.account.dns.zones.values()], zoneJson)],
  [
    'POST',
    /^\/v1\/zones$/,
    (ctx) => {
      const made = ctx.account.dns.createZone(ctx.body);
      return ok({ zone: zoneJson(made.zone), action: actionJson(made.action) }, 201);
    },
  ],
  ['GET', /^\/v1\/zones\/([^/]+)$/, (ctx, [z]) => ok({ zone: zoneJson(ctx.account.dns.zone(seg(z))) })],
  [
    'DELETE',
    /^\/v1\/zones\/([^/]+)$/,
    (ctx, [z]) => ok({ action: actionJson(ctx.account.dns.deleteZone(seg(z))) }),
  ],
  [
    'GET',
    /^\/v1\/zones\/([^/]+)\/rrsets$/,
    (ctx, [z]) => {
      const q = ctx.url.searchParams;
      const zone = ctx.account.dns.zone(seg(z));
      const sets = ctx.account.dns.rrsets(seg(z), { name: q.get('name'), type: q.get('type') });
      return page(ctx, 'rrsets', sets, rrsetJson(zone));
    },
  ],
  [
    'POST',
    /^\/v1\/zones\/([^/]+)\/rrsets$/,
    (ctx, [z]) => {
      const made = ctx.account.dns.createRrset(seg(z), ctx.body);
      const zone = ctx.account.dns.zone(seg(z));
      return ok({ rrset: rrsetJson(zone)(made.rrset), action: actionJson(made.action) }, 201);
    },
  ],
  [
    'GET',
    new RegExp(`${RRSET}$`),
    (ctx, [z, n, t]) => {
      const zone = ctx.account.dns.zone(seg(z));
      return ok({ rrset: rrsetJson(zone)(ctx.account.dns.rrset(seg(z), seg(n), seg(t))) });
    },
  ],
  [
    'DELETE',
    new RegExp(`${RRSET}$`),
    (ctx, [z, n, t]) => ok({ action: actionJson(ctx.account.dns.deleteRrset(seg(z), seg(n), seg(t))) }),
  ],
  [
    'POST',
    new RegExp(`${RRSET}\\/actions\\/([a-z_]+)$`),
    (ctx, [z, n, t, command]) =>
      ok(
        { action: actionJson(ctx.account.dns.rrsetAction(seg(z), seg(n), seg(t), command!, ctx.body)) },
        201,
      ),
  ],
];
