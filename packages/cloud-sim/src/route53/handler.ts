import { randomUUID } from 'node:crypto';
import type { SimRequest, SimResponse } from '../common/server';
import { type R53Change, type R53RecordSet, type R53Zone, Route53Error, type Route53State } from './state';

// Route 53's REST API (2013-04-01), XML both ways: hosted zones, record sets and change batches.

export const ROUTE53_NAMESPACE = 'https://route53.amazonaws.com/doc/2013-04-01/';
const PREFIX = '/2013-04-01/';

const esc = (v: string | number) =>
  String(v).replace(
    /[&<>"']/g,
    (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`,
  );
const unesc = (v: string) =>
  v.replace(
    /&(amp|lt|gt|quot|apos|#(\d+)|#x([0-9a-fA-F]+));/g,
    (_, name: string, dec?: string, hex?: string) =>
      dec
        ? String.fromCodePoint(Number(dec))
        : hex
          ? String.fromCodePoint(Number.parseInt(hex, 16))
          : ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as Record<string, string>)[name]!,
  );
const leaf = (tag: string, v: string | number) => `<${tag}>${esc(v)}</${tag}>`;

function xml(status: number, root: string, inner: string): SimResponse {
  return {
    status,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID() },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${ROUTE53_NAMESPACE}">${inner}</${root}>`,
  };
}

export function route53Error(err: Route53Error): SimResponse {
  const type = err.status >= 500 ? 'Receiver' : 'Sender';
  return xml(
    err.status,
    'ErrorResponse',
    `<Error>${leaf('Type', type)}${leaf('Code', err.code)}${leaf('Message', err.message)}</Error>${leaf('RequestId', randomUUID())}`,
  );
}

const zoneXml = (z: R53Zone) =>
  `<HostedZone>${leaf('Id', `/hostedzone/${z.id}`)}${leaf('Name', z.name)}${leaf('CallerReference', z.callerReference)}<Config>${leaf('Comment', z.comment)}${leaf('PrivateZone', 'false')}</Config>${leaf('ResourceRecordSetCount', z.sets.size)}</HostedZone>`;

const delegationSet = (z: R53Zone) =>
  `<DelegationSet><NameServers>${(z.sets.get(`${z.name} NS`)?.values ?? []).map((n) => leaf('NameServer', n)).join('')}</NameServers></DelegationSet>`;

/** The ChangeInfo of a change: the given one, or a new one (zone creations and deletions). */
function changeInfo(state: Route53State, id = state.recordChange()): string {
  const change = state.changes.get(id)!;
  return `<ChangeInfo>${leaf('Id', `/change/${id}`)}${leaf('Status', 'PENDING')}${leaf('SubmittedAt', change.submittedAt)}</ChangeInfo>`;
}

const setXml = (s: R53RecordSet) =>
  `<ResourceRecordSet>${leaf('Name', s.name)}${leaf('Type', s.type)}${leaf('TTL', s.ttl)}<ResourceRecords>${s.values
    .map((v) => `<ResourceRecord>${leaf('Value', v)}</ResourceRecord>`)
    .join('')}</ResourceRecords></ResourceRecordSet>`;

const all = (text: string, tag: string) =>
  [...text.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => m[1]!);
const one = (text: string, tag: string) => all(text, tag)[0];

/** The changes of a ChangeResourceRecordSetsRequest body. */
function parseChanges(body: string): R53Change[] {
  if (!body.includes('<ChangeResourceRecordSetsRequest'))
    throw new Route53Error('InvalidInput', 'The XML document is not a ChangeResourceRecordSetsRequest.');
  return all(body, 'Change').map((c) => {
    const set = one(c, 'ResourceRecordSet') ?? '';
    return {
      action: unesc(one(c, 'Action') ?? ''),
      set: {
        name: unesc(one(set, 'Name') ?? ''),
        type: unesc(one(set, 'Type') ?? ''),
        ttl: Number(one(set, 'TTL') ?? Number.NaN),
        values: all(set, 'Value').map(unesc),
      },
    };
  });
}

function maxItems(url: URL, fallback: number): number {
  const raw = url.searchParams.get('maxitems');
  const n = raw && /^\d+$/.test(raw) ? Number(raw) : fallback;
  return Math.max(1, Math.min(n, 300));
}

/** Answers a request under /2013-04-01/, or undefined for any other path. */
export function handleRoute53(state: Route53State, req: SimRequest): SimResponse | undefined {
  const path = req.url.pathname;
  if (!path.startsWith(PREFIX)) return undefined;
  try {
    const rest = path.slice(PREFIX.length).replace(/\/$/, '');
    const zonePath = /^hostedzone\/([^/]+)$/.exec(rest);
    const rrsetPath = /^hostedzone\/([^/]+)\/rrset$/.exec(rest);
    if (rest === 'hostedzone' && req.method === 'GET') {
      const zones = [...state.zones.values()].sort((a, b) => a.id.localeCompare(b.id));
      const marker = req.url.searchParams.get('marker');
      const from = marker ? zones.findIndex((z) => z.id === marker) : 0;
      if (from < 0) throw new Route53Error('InvalidInput', `The marker ${marker} is not valid.`);
      const max = maxItems(req.url, 100);
      const page = zones.slice(from, from + max);
      const next = zones[from + max];
      return xml(
        200,
        'ListHostedZonesResponse',
        `<HostedZones>${page.map(zoneXml).join('')}</HostedZones>${marker ? leaf('Marker', marker) : ''}${leaf('IsTruncated', next ? 'true' : 'false')}${next ? leaf('NextMarker', next.id) : ''}${leaf('MaxItems', max)}`,
      );
    }
    if (rest === 'hostedzone' && req.method === 'POST') {
      const body = req.body.toString('utf8');
      if (!body.includes('<CreateHostedZoneRequest'))
        throw new Route53Error('InvalidInput', 'The XML document is not a CreateHostedZoneRequest.');
      const zone = state.createZone(
        unesc(one(body, 'Name') ?? ''),
        unesc(one(body, 'Comment') ?? ''),
        unesc(one(body, 'CallerReference') ?? ''),
      );
      const answer = xml(
        201,
        'CreateHostedZoneResponse',
        `${zoneXml(zone)}${changeInfo(state)}${delegationSet(zone)}`,
      );
      answer.headers = { ...answer.headers, location: `${req.url.origin}${PREFIX}hostedzone/${zone.id}` };
      return answer;
    }
    if (zonePath && req.method === 'GET') {
      const zone = state.zone(decodeURIComponent(zonePath[1]!));
      return xml(200, 'GetHostedZoneResponse', `${zoneXml(zone)}${delegationSet(zone)}`);
    }
    if (zonePath && req.method === 'DELETE') {
      state.deleteZone(decodeURIComponent(zonePath[1]!));
      return xml(200, 'DeleteHostedZoneResponse', changeInfo(state));
    }
    if (rrsetPath && req.method === 'GET') {
      const zone = state.zone(decodeURIComponent(rrsetPath[1]!));
      const sets = state.sorted(zone);
      const name = req.url.searchParams.get('name');
      const type = req.url.searchParams.get('type');
      let from = 0;
      if (name) {
        const wanted = name.endsWith('.') ? name.toLowerCase() : `${name.toLowerCase()}.`;
        const order = (n: string) => n.split('.').reverse().join('.');
        from = sets.findIndex(
          (s) => order(s.name) > order(wanted) || (s.name === wanted && (!type || s.type >= type)),
        );
        if (from < 0) from = sets.length;
      }
      const max = maxItems(req.url, 300);
      const page = sets.slice(from, from + max);
      const next = sets[from + max];
      return xml(
        200,
        'ListResourceRecordSetsResponse',
        `<ResourceRecordSets>${page.map(setXml).join('')}</ResourceRecordSets>${leaf('IsTruncated', next ? 'true' : 'false')}${next ? leaf('NextRecordName', next.name) + leaf('NextRecordType', next.type) : ''}${leaf('MaxItems', max)}`,
      );
    }
    if (rrsetPath && req.method === 'POST') {
      const zone = state.zone(decodeURIComponent(rrsetPath[1]!));
      const id = state.change(zone, parseChanges(req.body.toString('utf8')));
      return xml(200, 'ChangeResourceRecordSetsResponse', changeInfo(state, id));
    }
    throw new Route53Error('InvalidAction', `${req.method} ${path} is not an action of this emulator.`, 404);
  } catch (err) {
    if (err instanceof Route53Error) return route53Error(err);
    return route53Error(new Route53Error('InternalFailure', 'An internal error occurred.', 500));
  }
}
