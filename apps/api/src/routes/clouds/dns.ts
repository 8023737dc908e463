import {
  CreateDnsRecordRequest,
  CreateDnsZoneRequest,
  DeleteDnsZoneQuery,
  DnsRecord,
  DnsRecordList,
  DnsRecordParams,
  DnsZone,
  DnsZoneList,
  DnsZoneParams,
  IdParams,
  UpdateDnsRecordRequest,
} from '@overcast/contracts';
import {
  createDnsRecord,
  createDnsZone,
  deleteDnsRecord,
  deleteDnsZone,
  listDnsRecords,
  listDnsZones,
  updateDnsRecord,
} from '@overcast/core/dns';
import { Type as T } from '@sinclair/typebox';
import type { RoutePlugin } from '../../context';
import { byId, may } from '../../http/authz';
import { authOf, orgActorOf } from '../../http/caller';
import { created, NoContent, noContent } from '../../http/reply';
import { route } from '../../http/route';

// DNS is a cloud-level resource: reading it takes the right to read the cloud, changing a zone or
// a record the right to edit the cloud (a team policy limited to some clouds limits their DNS too).

/** A cloud's DNS zones and records, read and changed live at the provider. */
export const dnsRoutes: RoutePlugin = (app, ctx) => {
  app.get(
    '/:id/dns/zones',
    route("A cloud's DNS zones, as its provider lists them now", may('clouds', 'read', byId), {
      params: IdParams,
      response: { 200: DnsZoneList },
    }),
    async (request) => ({
      items: await listDnsZones(ctx, authOf(request).organizationId, request.params.id),
    }),
  );

  app.post(
    '/:id/dns/zones',
    route(
      'Create a DNS zone at the provider; the domain is stored lower-case, without the trailing dot',
      may('clouds', 'edit', byId),
      { params: IdParams, body: CreateDnsZoneRequest, response: { 201: T.Ref(DnsZone) } },
    ),
    async (request, reply) =>
      created(reply, createDnsZone(ctx, orgActorOf(request), request.params.id, request.body)),
  );

  app.delete(
    '/:id/dns/zones/:zoneId',
    route(
      'Delete a DNS zone at the provider; one with records is refused (409) unless force=true deletes them first',
      may('clouds', 'edit', byId),
      { params: DnsZoneParams, querystring: DeleteDnsZoneQuery, response: NoContent },
    ),
    async (request, reply) => {
      const { id, zoneId } = request.params;
      return noContent(reply, deleteDnsZone(ctx, orgActorOf(request), id, zoneId, request.query));
    },
  );

  app.get(
    '/:id/dns/zones/:zoneId/records',
    route(
      "A DNS zone's records; editable is false for the provider's own (SOA, apex NS)",
      may('clouds', 'read', byId),
      {
        params: DnsZoneParams,
        response: { 200: DnsRecordList },
      },
    ),
    async (request) =>
      listDnsRecords(ctx, authOf(request).organizationId, request.params.id, request.params.zoneId),
  );

  app.post(
    '/:id/dns/zones/:zoneId/records',
    route(
      'Add a record to a DNS zone; its value is checked for its type (an A takes an IPv4, an MX a priority...)',
      may('clouds', 'edit', byId),
      { params: DnsZoneParams, body: CreateDnsRecordRequest, response: { 201: T.Ref(DnsRecord) } },
    ),
    async (request, reply) =>
      created(
        reply,
        createDnsRecord(ctx, orgActorOf(request), request.params.id, request.params.zoneId, request.body),
      ),
  );

  app.patch(
    '/:id/dns/zones/:zoneId/records/:recordId',
    route('Change a DNS record; the fields left out keep their values', may('clouds', 'edit', byId), {
      params: DnsRecordParams,
      body: UpdateDnsRecordRequest,
      response: { 200: T.Ref(DnsRecord) },
    }),
    async (request) => {
      const { id, zoneId, recordId } = request.params;
      return updateDnsRecord(ctx, orgActorOf(request), id, zoneId, recordId, request.body);
    },
  );

  app.delete(
    '/:id/dns/zones/:zoneId/records/:recordId',
    route('Delete a DNS record', may('clouds', 'edit', byId), {
      params: DnsRecordParams,
      response: NoContent,
    }),
    async (request, reply) => {
      const { id, zoneId, recordId } = request.params;
      return noContent(reply, deleteDnsRecord(ctx, orgActorOf(request), id, zoneId, recordId));
    },
  );
};
