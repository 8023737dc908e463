import { ok, type Route, type RouteContext, wholeNumber } from '../common/token-api';
import {
  BLOCK_PRICE_PER_GB,
  type SimVultrBlock,
  type SimVultrInstance,
  type SimVultrKey,
  type VultrAccount,
  vultrError,
} from './account';
import { OPERATING_SYSTEMS, PLANS, REGIONS } from './catalog';
import { domainJson, recordJson } from './domains';
import { snapshotJson } from './snapshots';

/**
 * Vultr's cursor paging: `per_page` (max 500, default 100) and an opaque `cursor`, with the
 * next one in `meta.links.next` ('' on the last page). Cursors are base64 of "next__<offset>".
 */
export function page<T>(
  ctx: RouteContext<VultrAccount>,
  key: string,
  items: readonly T[],
  render: (t: T) => unknown,
) {
  const q = ctx.url.searchParams;
  const perPage = Math.min(
    500,
    Math.max(
      1,
      wholeNumber(q.get('per_page'), () => 100),
    ),
  );
  const cursor = q.get('cursor');
  let offset = 0;
  if (cursor) {
    const m = /^(next|prev)__(\d{1,9})$/.exec(Buffer.from(cursor, 'base64').toString('latin1'));
    if (!m) throw vultrError(400, 'Invalid cursor.');
    offset = m[1] === 'next' ? Number(m[2]) : Math.max(0, Number(m[2]) - perPage);
  }
  const end = offset + perPage;
  const link = (kind: string, at: number) => Buffer.from(`${kind}__${at}`).toString('base64');
  return ok({
    [key]: items.slice(offset, end).map(render),
    meta: {
      total: items.length,
      links: {
        next: end < items.length ? link('next', end) : '',
        prev: offset > 0 ? link('prev', offset) : '',
      },
    },
  });
}

export function instanceJson(i: SimVultrInstance) {
  return {
    id: i.id,
    os: i.os.name,
    ram: i.plan.ram,
    disk: i.status === 'pending' ? 0 : i.plan.disk,
    main_ip: i.mainIp,
    vcpu_count: i.plan.vcpu_count,
    region: i.region.id,
    plan: i.plan.id,
    date_created: i.dateCreated,
    status: i.status,
    allowed_bandwidth: i.plan.bandwidth,
    netmask_v4: '255.255.254.0',
    gateway_v4: i.mainIp.replace(/\.\d+$/, '.1'),
    power_status: i.powerStatus,
    server_status: i.serverStatus,
    v6_network: '',
    v6_main_ip: '',
    v6_network_size: 0,
    label: i.label,
    // The address in its first VPC, as Vultr shows it; '' when in none.
    internal_ip: [...i.vpcs.values()][0]?.ip ?? '',
    kvm: '',
    hostname: i.hostname,
    tags: i.tags,
    os_id: i.os.id,
    app_id: 0,
    image_id: '',
    firewall_group_id: i.firewallGroupId,
    features: [],
    user_scheme: 'root',
  };
}

const blockJson = (b: SimVultrBlock) => ({
  id: b.id,
  date_created: b.dateCreated,
  cost: Math.round(b.sizeGb * BLOCK_PRICE_PER_GB * 100) / 100,
  status: b.status,
  size_gb: b.sizeGb,
  region: b.region.id,
  attached_to_instance: b.attachedTo,
  label: b.label,
  mount_id: `${b.region.id}-${b.id.replace(/-/g, '').slice(0, 14)}`,
  block_type: 'high_perf',
});

const keyJson = (k: SimVultrKey) => ({
  id: k.id,
  date_created: '2024-01-01T00:00:00+00:00',
  name: k.name,
  ssh_key: k.sshKey,
});
export const noContent = () => ({ status: 204 });
const POWER = { start: 'start', halt: 'halt', reboot: 'reboot' } as const;

export const ROUTES: Route<VultrAccount>[] = [
  [
    'GET',
    /^\/v2\/domains$/,
    (ctx) => page(ctx, 'domains', [...ctx.account.dns.domains.values()], domainJson),
  ],
  ['POST', /^\/v2\/domains$/, (ctx) => ok({ domain: domainJson(ctx.account.dns.create(ctx.body)) }, 201)],
  ['GET', /^\/v2\/domains\/([^/]+)$/, (ctx, [d]) => ok({ domain: domainJson(ctx.account.dns.get(d!)) })],
  [
    'DELETE',
    /^\/v2\/domains\/([^/]+)$/,
    (ctx, [d]) => {
      ctx.account.dns.delete(d!);
      return noContent();
    },
  ],
  [
    'GET',
    /^\/v2\/domains\/([^/]+)\/records$/,
    (ctx, [d]) => page(ctx, 'records', [...ctx.account.dns.get(d!).records.values()], recordJson),
  ],
  [
    'POST',
    /^\/v2\/domains\/([^/]+)\/records$/,
    (ctx, [d]) => {
      const { dns } = ctx.account;
      return ok({ record: recordJson(dns.createRecord(dns.get(d!), ctx.body)) }, 201);
    },
  ],
  [
    'GET',
    /^\/v2\/domains\/([^/]+)\/records\/([^/]+)$/,
    (ctx, [d, r]) => ok({ record: recordJson(ctx.account.dns.record(ctx.account.dns.get(d!), r!)) }),
  ],
  [
    'PATCH',
    /^\/v2\/domains\/([^/]+)\/records\/([^/]+)$/,
    (ctx, [d, r]) => {
      const { dns } = ctx.account;
      dns.updateRecord(dns.get(d!), r!, ctx.body);
      return noContent();
    },
  ],
  [
    'DELETE',
    /^\/v2\/domains\/([^/]+)\/records\/([^/]+)$/,
    (ctx, [d, r]) => {
      const { dns } = ctx.account;
      dns.deleteRecord(dns.get(d!), r!);
      return noContent();
    },
  ],
  [
    'GET',
    /^\/v2\/account$/,
    ({ account }) =>
      ok({
        account: { name: 'Overcast', email: account.email, acls: [], balance: -25.5, pending_charges: 3.14 },
      }),
  ],
  ['GET', /^\/v2\/instances$/, (ctx) => page(ctx, 'instances', ctx.account.listInstances(), instanceJson)],
  [
    'POST',
    /^\/v2\/instances$/,
    (ctx) => {
      const { instance, password } = ctx.account.createInstance(ctx.body);
      return ok({ instance: { ...instanceJson(instance), default_password: password } }, 202);
    },
  ],
  [
    'GET',
    /^\/v2\/instances\/([^/]+)$/,
    (ctx, [i]) => ok({ instance: instanceJson(ctx.account.instance(i!)) }),
  ],
  [
    'PATCH',
    /^\/v2\/instances\/([^/]+)$/,
    (ctx, [i]) => ok({ instance: instanceJson(ctx.account.updateInstance(i!, ctx.body)) }, 202),
  ],
  [
    'DELETE',
    /^\/v2\/instances\/([^/]+)$/,
    (ctx, [i]) => {
      ctx.account.deleteInstance(i!);
      return noContent();
    },
  ],
  [
    'POST',
    /^\/v2\/instances\/([^/]+)\/(start|halt|reboot)$/,
    (ctx, [i, command]) => {
      ctx.account.power(i!, POWER[command as keyof typeof POWER]);
      return noContent();
    },
  ],
  [
    'GET',
    /^\/v2\/instances\/([^/]+)\/upgrades$/,
    (ctx, [i]) => {
      const type = ctx.url.searchParams.get('type') ?? 'all';
      if (!['all', 'applications', 'os', 'plans'].includes(type))
        throw vultrError(400, 'Invalid upgrade type.');
      const plans = ctx.account.upgradePlans(i!).map((p) => p.id);
      const all = { applications: [], os: [], plans };
      return ok({ upgrades: type === 'all' ? all : { [type]: all[type as keyof typeof all] } });
    },
  ],
  [
    'POST',
    /^\/v2\/instances\/([^/]+)\/restore$/,
    (ctx, [i]) => {
      const id = ctx.account.restore(i!, ctx.body);
      return ok({ status: { restore_type: 'snapshot_id', restore_id: id, status: 'inprogress' } }, 202);
    },
  ],
  ['GET', /^\/v2\/snapshots$/, (ctx) => page(ctx, 'snapshots', ctx.account.snapshots.list(), snapshotJson)],
  [
    'POST',
    /^\/v2\/snapshots$/,
    (ctx) => ok({ snapshot: snapshotJson(ctx.account.snapshots.create(ctx.body)) }, 201),
  ],
  [
    'GET',
    /^\/v2\/snapshots\/([^/]+)$/,
    (ctx, [s]) => ok({ snapshot: snapshotJson(ctx.account.snapshots.get(s!)) }),
  ],
  [
    'DELETE',
    /^\/v2\/snapshots\/([^/]+)$/,
    (ctx, [s]) => {
      ctx.account.snapshots.delete(s!);
      return noContent();
    },
  ],
  ['GET', /^\/v2\/blocks$/, (ctx) => page(ctx, 'blocks', ctx.account.listBlocks(), blockJson)],
  ['POST', /^\/v2\/blocks$/, (ctx) => ok({ block: blockJson(ctx.account.createBlock(ctx.body)) }, 202)],
  ['GET', /^\/v2\/blocks\/([^/]+)$/, (ctx, [b]) => ok({ block: blockJson(ctx.account.block(b!)) })],
  [
    'DELETE',
    /^\/v2\/blocks\/([^/]+)$/,
    (ctx, [b]) => {
      ctx.account.deleteBlock(b!);
      return noContent();
    },
  ],
  [
    'POST',
    /^\/v2\/blocks\/([^/]+)\/attach$/,
    (ctx, [b]) => {
      ctx.account.attachBlock(b!, ctx.body);
      return noContent();
    },
  ],
  [
    'POST',
    /^\/v2\/blocks\/([^/]+)\/detach$/,
    (ctx, [b]) => {
      ctx.account.detachBlock(b!);
      return noContent();
    },
  ],
  ['GET', /^\/v2\/plans$/, (ctx) => page(ctx, 'plans', PLANS, (p) => p)],
  ['GET', /^\/v2\/os$/, (ctx) => page(ctx, 'os', OPERATING_SYSTEMS, (o) => o)],
  ['GET', /^\/v2\/regions$/, (ctx) => page(ctx, 'regions', REGIONS, (r) => r)],
  ['GET', /^\/v2\/ssh-keys$/, (ctx) => page(ctx, 'ssh_keys', [...ctx.account.keys.values()], keyJson)],
  ['POST', /^\/v2\/ssh-keys$/, (ctx) => ok({ ssh_key: keyJson(ctx.account.createKey(ctx.body)) }, 201)],
];
