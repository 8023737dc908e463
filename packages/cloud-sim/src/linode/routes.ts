import { ApiError, ok, type Route, type RouteContext, wholeNumber } from '../common/token-api';
import type { LinodeAccount, SimLinode, SimLinodeVolume } from './account';
import { backupJson } from './backups';
import { IMAGES, REGIONS, TYPES } from './catalog';
import { domainJson, recordJson } from './domains';

export const id = (raw: string | undefined) =>
  wholeNumber(raw, () => {
    throw new ApiError(404, 'not_found', 'Not found');
  });

/** Linode's paging: `page` and `page_size` (25..500, default 100); the answer says `page`, `pages`, `results`. */
export function page<T>(ctx: RouteContext<LinodeAccount>, items: readonly T[], render: (t: T) => unknown) {
  const q = ctx.url.searchParams;
  const size = Math.min(
    500,
    Math.max(
      25,
      wholeNumber(q.get('page_size'), () => 100),
    ),
  );
  const current = Math.max(
    1,
    wholeNumber(q.get('page'), () => 1),
  );
  return ok({
    data: items.slice((current - 1) * size, current * size).map(render),
    page: current,
    pages: Math.max(1, Math.ceil(items.length / size)),
    results: items.length,
  });
}

export function linodeJson(l: SimLinode) {
  return {
    id: l.id,
    label: l.label,
    group: '',
    status: l.status,
    created: l.created,
    updated: l.updated,
    type: l.type.id,
    ipv4: [l.ipv4],
    ipv6: null,
    image: l.image?.id ?? null,
    region: l.region.id,
    specs: {
      disk: l.type.disk,
      memory: l.type.memory,
      vcpus: l.type.vcpus,
      gpus: 0,
      transfer: l.type.transfer,
    },
    alerts: { cpu: 90, network_in: 10, network_out: 10, transfer_quota: 80, io: 10000 },
    backups: {
      enabled: l.backups.enabled,
      available: l.backups.enabled,
      schedule: { day: null, window: null },
      last_successful: l.backups.current?.finished ?? l.backups.automatic.at(-1)?.finished ?? null,
    },
    hypervisor: 'kvm',
    watchdog_enabled: true,
    tags: l.tags,
  };
}

function volumeJson(account: LinodeAccount) {
  return (v: SimLinodeVolume) => ({
    id: v.id,
    label: v.label,
    status: v.status,
    size: v.size,
    region: v.region.id,
    linode_id: v.linodeId,
    linode_label: v.linodeId === null ? null : (account.linodes.get(v.linodeId)?.label ?? null),
    created: v.created,
    updated: v.created,
    filesystem_path: `/dev/disk/by-id/scsi-0Linode_Volume_${v.label}`,
    tags: v.tags,
    hardware_type: 'nvme',
  });
}

const POWER = { boot: 'boot', shutdown: 'shutdown', reboot: 'reboot' } as const;

export const ROUTES: Route<LinodeAccount>[] = [
  [
    'GET',
    /^\/v4\/profile$/,
    ({ account }) =>
      ok({ username: account.username, email: `${account.username}@example.com`, restricted: false }),
  ],
  ['GET', /^\/v4\/linode\/instances$/, (ctx) => page(ctx, ctx.account.listLinodes(), linodeJson)],
  ['POST', /^\/v4\/linode\/instances$/, (ctx) => ok(linodeJson(ctx.account.createLinode(ctx.body)))],
  ['GET', /^\/v4\/linode\/instances\/([^/]+)$/, (ctx, [l]) => ok(linodeJson(ctx.account.linode(id(l))))],
  [
    'PUT',
    /^\/v4\/linode\/instances\/([^/]+)$/,
    (ctx, [l]) => ok(linodeJson(ctx.account.updateLinode(id(l), ctx.body))),
  ],
  [
    'DELETE',
    /^\/v4\/linode\/instances\/([^/]+)$/,
    (ctx, [l]) => {
      ctx.account.deleteLinode(id(l));
      return ok({});
    },
  ],
  [
    'POST',
    /^\/v4\/linode\/instances\/([^/]+)\/(boot|shutdown|reboot)$/,
    (ctx, [l, command]) => {
      ctx.account.power(id(l), POWER[command as keyof typeof POWER]);
      return ok({});
    },
  ],
  [
    'POST',
    /^\/v4\/linode\/instances\/([^/]+)\/resize$/,
    (ctx, [l]) => {
      ctx.account.resize(id(l), ctx.body);
      return ok({});
    },
  ],
  [
    'GET',
    /^\/v4\/linode\/instances\/([^/]+)\/backups$/,
    (ctx, [l]) => {
      const b = ctx.account.backups(id(l));
      return ok({
        automatic: b.automatic.map(backupJson),
        snapshot: {
          current: b.current && backupJson(b.current),
          in_progress: b.inProgress && backupJson(b.inProgress),
        },
      });
    },
  ],
  [
    'POST',
    /^\/v4\/linode\/instances\/([^/]+)\/backups$/,
    (ctx, [l]) => ok(backupJson(ctx.account.takeSnapshot(id(l), ctx.body))),
  ],
  [
    'POST',
    /^\/v4\/linode\/instances\/([^/]+)\/backups\/(enable|cancel)$/,
    (ctx, [l, command]) => {
      if (command === 'enable') ctx.account.enableBackups(id(l));
      else ctx.account.cancelBackups(id(l));
      return ok({});
    },
  ],
  [
    'POST',
    /^\/v4\/linode\/instances\/([^/]+)\/backups\/([^/]+)\/restore$/,
    (ctx, [l, b]) => {
      ctx.account.restoreBackup(id(l), id(b), ctx.body);
      return ok({});
    },
  ],
  ['GET', /^\/v4\/volumes$/, (ctx) => page(ctx, ctx.account.listVolumes(), volumeJson(ctx.account))],
  ['POST', /^\/v4\/volumes$/, (ctx) => ok(volumeJson(ctx.account)(ctx.account.createVolume(ctx.body)))],
  ['GET', /^\/v4\/volumes\/([^/]+)$/, (ctx, [v]) => ok(volumeJson(ctx.account)(ctx.account.volume(id(v))))],
  [
    'DELETE',
    /^\/v4\/volumes\/([^/]+)$/,
    (ctx, [v]) => {
      ctx.account.deleteVolume(id(v));
      return ok({});
    },
  ],
  [
    'POST',
    /^\/v4\/volumes\/([^/]+)\/attach$/,
    (ctx, [v]) => ok(volumeJson(ctx.account)(ctx.account.attachVolume(id(v), ctx.body))),
  ],
  [
    'POST',
    /^\/v4\/volumes\/([^/]+)\/detach$/,
    (ctx, [v]) => {
      ctx.account.detachVolume(id(v));
      return ok({});
    },
  ],
  ['GET', /^\/v4\/domains$/, (ctx) => page(ctx, ctx.account.dns.list(), domainJson)],
  ['POST', /^\/v4\/domains$/, (ctx) => ok(domainJson(ctx.account.dns.create(ctx.body)))],
  ['GET', /^\/v4\/domains\/([^/]+)$/, (ctx, [d]) => ok(domainJson(ctx.account.dns.get(id(d))))],
  [
    'DELETE',
    /^\/v4\/domains\/([^/]+)$/,
    (ctx, [d]) => {
      ctx.account.dns.delete(id(d));
      return ok({});
    },
  ],
  [
    'GET',
    /^\/v4\/domains\/([^/]+)\/records$/,
    (ctx, [d]) => page(ctx, [...ctx.account.dns.get(id(d)).records.values()], recordJson),
  ],
  [
    'POST',
    /^\/v4\/domains\/([^/]+)\/records$/,
    (ctx, [d]) => {
      const { dns } = ctx.account;
      return ok(recordJson(dns.createRecord(dns.get(id(d)), ctx.body)));
    },
  ],
  [
    'GET',
    /^\/v4\/domains\/([^/]+)\/records\/([^/]+)$/,
    (ctx, [d, r]) => ok(recordJson(ctx.account.dns.record(ctx.account.dns.get(id(d)), id(r)))),
  ],
  [
    'PUT',
    /^\/v4\/domains\/([^/]+)\/records\/([^/]+)$/,
    (ctx, [d, r]) => {
      const { dns } = ctx.account;
      return ok(recordJson(dns.updateRecord(dns.get(id(d)), id(r), ctx.body)));
    },
  ],
  [
    'DELETE',
    /^\/v4\/domains\/([^/]+)\/records\/([^/]+)$/,
    (ctx, [d, r]) => {
      const { dns } = ctx.account;
      dns.deleteRecord(dns.get(id(d)), id(r));
      return ok({});
    },
  ],
  ['GET', /^\/v4\/linode\/types$/, (ctx) => page(ctx, TYPES, (t) => t)],
  ['GET', /^\/v4\/images$/, (ctx) => page(ctx, IMAGES, (i) => i)],
  ['GET', /^\/v4\/regions$/, (ctx) => page(ctx, REGIONS, (r) => r)],
];
