// Microsoft.Network/dnsZones' REST paths (api-version 2018-05-01) in ARM's JSON: zones listed per
// subscription and resource group, made with a PUT (If-None-Match: * refuses an existing one) and
// deleted as a long-running operation; record sets listed (recordsets, all, or one type), read,
// written and deleted by type and relative name, each change held to If-Match / If-None-Match.

import type { SimRequest, SimResponse } from '../common/server';
import { type ArmContext, accepted, body, type Handler, inSub, invalidBody, page, RG, SUB } from './arm';
import {
  ArmDns,
  type AzureRecordType,
  RECORD_PROPERTIES,
  type SimDnsZone,
  type SimRecordSet,
  setKey,
  zoneId,
} from './dns';
import { armError, json, notFound } from './errors';

const ZONE_TYPE = 'Microsoft.Network/dnszones';
const TYPES = Object.keys(RECORD_PROPERTIES).join('|');
const lower = (s: string) => s.toLowerCase();

function renderZone(z: SimDnsZone) {
  return {
    id: z.id,
    name: z.name,
    type: ZONE_TYPE,
    location: 'global',
    etag: z.etag,
    tags: z.tags,
    properties: {
      maxNumberOfRecordSets: 10000,
      maxNumberOfRecordsPerRecordSet: null,
      numberOfRecordSets: z.sets.size,
      nameServers: z.nameServers,
      zoneType: 'Public',
    },
  };
}

function renderSet(z: SimDnsZone, s: SimRecordSet) {
  return {
    id: `${z.id}/${s.type}/${s.name}`,
    name: s.name,
    type: `${ZONE_TYPE}/${s.type}`,
    etag: s.etag,
    properties: {
      metadata: s.metadata,
      TTL: s.ttl,
      fqdn: ArmDns.fqdn(z, s.name),
      provisioningState: 'Succeeded',
      targetResource: {},
      ...(s.records === undefined ? {} : { [RECORD_PROPERTIES[s.type]]: s.records }),
    },
  };
}

function findZone(ctx: ArmContext, [sub, rg, name]: string[]): SimDnsZone | SimResponse {
  return ctx.dns.zone(zoneId(sub!, rg!, name!)) ?? notFound(ZONE_TYPE, name!, rg!);
}

/** ETag preconditions as Azure DNS holds writes to them: the words name the zone or set. */
function precondition(
  req: SimRequest,
  current: { etag: string } | undefined,
  what: string,
): SimResponse | null {
  const ifMatch = req.headers['if-match'];
  const ifNoneMatch = req.headers['if-none-match'];
  if (ifNoneMatch === '*' && current)
    return armError(
      412,
      'PreconditionFailed',
      `The ${what} exists already and hence cannot be created again.`,
    );
  if (typeof ifMatch === 'string' && ifMatch !== '') {
    if (!current)
      return armError(412, 'PreconditionFailed', `The ${what} does not exist and hence cannot be updated.`);
    if (ifMatch !== '*' && ifMatch !== current.etag)
      return armError(412, 'PreconditionFailed', `The ${what} has been modified (etag mismatch).`);
  }
  return null;
}

function putZone(ctx: ArmContext, req: SimRequest, [sub, rg, name]: string[]): SimResponse {
  const b = body(req);
  if (!b) return invalidBody();
  if (!ctx.state.hasResourceGroup(sub!, rg!))
    return armError(404, 'ResourceGroupNotFound', `Resource group '${rg}' could not be found.`);
  if (lower(String(b.location ?? '')) !== 'global')
    return armError(
      400,
      'LocationNotAvailableForResourceType',
      `The provided location '${String(b.location)}' is not available for resource type '${ZONE_TYPE}'. List of available regions for the resource type is 'global'.`,
    );
  const existing = ctx.dns.zone(zoneId(sub!, rg!, name!));
  const refused = precondition(req, existing, `Zone ${name}`);
  if (refused) return refused;
  const zone = existing ?? ctx.dns.addZone(sub!, rg!, name!);
  if ('status' in zone) return zone;
  if (b.tags && typeof b.tags === 'object') zone.tags = b.tags as Record<string, string>;
  return json(existing ? 200 : 201, renderZone(zone));
}

/** Azure DNS deletes a zone with all its record sets, as a long-running operation. */
function deleteZone(ctx: ArmContext, req: SimRequest, params: string[]): SimResponse {
  const zone = findZone(ctx, params);
  if ('status' in zone) return { status: 204 };
  const refused = precondition(req, zone, `Zone ${zone.name}`);
  if (refused) return refused;
  const op = ctx.state.operation(zone.subscriptionId, 'global', () => ctx.dns.zones.delete(lower(zone.id)));
  return accepted(ctx, op, 202, undefined, 'Microsoft.Network');
}

function listSets(only?: (type: string) => boolean): Handler {
  return (ctx, req, params) => {
    const zone = findZone(ctx, params);
    if ('status' in zone) return zone;
    const type = params[3];
    const sets = [...zone.sets.values()].filter((s) =>
      only ? only(s.type) : s.type === type!.toUpperCase(),
    );
    return page(ctx, req, sets, (s) => renderSet(zone, s));
  };
}

function setOf(ctx: ArmContext, [sub, rg, zoneName, type, name]: string[]) {
  const zone = findZone(ctx, [sub!, rg!, zoneName!]);
  if ('status' in zone) return zone;
  const t = type!.toUpperCase() as AzureRecordType;
  return { zone, type: t, name: name!, set: zone.sets.get(setKey(t, name!)) };
}

const noSet = (rg: string, sub: string, name: string) =>
  armError(
    404,
    'NotFound',
    `The resource record '${name}' does not exist in resource group '${rg}' of subscription '${sub}'.`,
  );

const getSet: Handler = (ctx, _req, params) => {
  const found = setOf(ctx, params);
  if ('status' in found) return found;
  return found.set ? json(200, renderSet(found.zone, found.set)) : noSet(params[1]!, params[0]!, found.name);
};

const putSet: Handler = (ctx, req, params) => {
  const b = body(req);
  if (!b) return invalidBody();
  const found = setOf(ctx, params);
  if ('status' in found) return found;
  const refused = precondition(req, found.set, `Record set ${found.name}`);
  if (refused) return refused;
  const props = (b.properties ?? {}) as Record<string, unknown>;
  const metadata = (props.metadata && typeof props.metadata === 'object' ? props.metadata : {}) as Record<
    string,
    string
  >;
  const set = ctx.dns.putSet(found.zone, found.type, found.name, props, metadata);
  if ('status' in set) return set;
  found.zone.etag = crypto.randomUUID();
  return json(found.set ? 200 : 201, renderSet(found.zone, set));
};

const deleteSet: Handler = (ctx, req, params) => {
  const found = setOf(ctx, params);
  if ('status' in found) return found;
  const refused = precondition(req, found.set, `Record set ${found.name}`);
  if (refused) return refused;
  if (!found.set) return { status: 204 };
  const kept = ctx.dns.deleteSet(found.zone, found.type, found.name);
  return kept ?? { status: 200 };
};

const ZONES = `${RG}/providers/Microsoft\\.Network/dnsZones`;
const ZONE = `${ZONES}/([^/]+)`;
const re = (path: string) => new RegExp(`^${path}$`, 'i');

export const DNS_ROUTES: Array<[string, RegExp, Handler]> = [
  [
    'GET',
    re(`${SUB}/providers/Microsoft\\.Network/dnszones`),
    (ctx, req, [sub]) => page(ctx, req, inSub(ctx.dns.zones.values(), sub!), renderZone),
  ],
  [
    'GET',
    re(ZONES),
    (ctx, req, [sub, rg]) =>
      page(
        ctx,
        req,
        inSub(ctx.dns.zones.values(), sub!).filter((z) => lower(z.resourceGroup) === lower(rg!)),
        renderZone,
      ),
  ],
  [
    'GET',
    re(ZONE),
    (ctx, _req, params) => {
      const zone = findZone(ctx, params);
      return 'status' in zone ? zone : json(200, renderZone(zone));
    },
  ],
  ['PUT', re(ZONE), putZone],
  ['DELETE', re(ZONE), deleteZone],
  ['GET', re(`${ZONE}/(?:recordsets|all)`), listSets(() => true)],
  ['GET', re(`${ZONE}/(${TYPES})`), listSets()],
  ['GET', re(`${ZONE}/(${TYPES})/([^/]+)`), getSet],
  ['PUT', re(`${ZONE}/(${TYPES})/([^/]+)`), putSet],
  ['DELETE', re(`${ZONE}/(${TYPES})/([^/]+)`), deleteSet],
];
