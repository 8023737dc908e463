import { type CloudDnsProject, rrsetJson, zoneJson } from './dns';
import { GceApiError } from './errors';
import { page } from './paging';

/** Cloud DNS's paths under /dns/v1/projects/{project}/; undefined is an empty 204 answer. */
export function cloudDnsRoute(
  dns: CloudDnsProject,
  method: string,
  rest: string,
  url: URL,
  body: unknown,
): unknown {
  const zonePath = /^managedZones\/([^/]+)$/.exec(rest);
  const rrsetsPath = /^managedZones\/([^/]+)\/rrsets$/.exec(rest);
  const changesPath = /^managedZones\/([^/]+)\/changes$/.exec(rest);
  if (rest === 'managedZones' && method === 'GET') {
    const { slice, nextPageToken } = page([...dns.zones.values()], url);
    return {
      kind: 'dns#managedZonesListResponse',
      managedZones: slice.map(zoneJson),
      ...(nextPageToken ? { nextPageToken } : {}),
    };
  }
  if (rest === 'managedZones' && method === 'POST') return zoneJson(dns.insertZone(body));
  if (zonePath && method === 'GET') return zoneJson(dns.zone(decodeURIComponent(zonePath[1]!)));
  if (zonePath && method === 'DELETE') {
    dns.deleteZone(decodeURIComponent(zonePath[1]!));
    return undefined;
  }
  if (rrsetsPath && method === 'GET') {
    const zone = dns.zone(decodeURIComponent(rrsetsPath[1]!));
    const name = url.searchParams.get('name');
    const type = url.searchParams.get('type');
    const sets = dns
      .sorted(zone)
      .filter((s) => (!name || s.name === name.toLowerCase()) && (!type || s.type === type));
    const { slice, nextPageToken } = page(sets, url);
    return {
      kind: 'dns#resourceRecordSetsListResponse',
      rrsets: slice.map(rrsetJson),
      ...(nextPageToken ? { nextPageToken } : {}),
    };
  }
  if (changesPath && method === 'POST') {
    return dns.change(dns.zone(decodeURIComponent(changesPath[1]!)), body);
  }
  throw new GceApiError(404, 'notFound', 'The requested URL was not found on this server.', 'NOT_FOUND');
}
