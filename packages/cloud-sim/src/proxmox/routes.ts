// The Proxmox VE API paths the emulator answers, below /api2/json, with the shapes of the
// pve-docs API viewer: everything inside `{ data }`, numbers where Proxmox sends numbers.

import { type GuestType, guestName, type PveCluster, PveError, paramError, type SimGuest } from './cluster';
import type { PveNetwork } from './network';
import { createSnapshot, deleteSnapshot, listSnapshots, rollback } from './snapshots';

export interface RouteContext {
  cluster: PveCluster;
  /** SDN, node networks and the firewall. */
  net: PveNetwork;
  /** Query and form parameters together, as Proxmox merges them. */
  params: Record<string, string>;
  /** Who is asking: `user@realm` or `user@realm!token`. */
  user: string;
  /** Present when the caller may read but not change (a token with only PVEAuditor). */
  readOnly: boolean;
}

export interface RouteAnswer {
  data: unknown;
  total?: number;
}

type Handler = (ctx: RouteContext, m: string[]) => RouteAnswer;

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

function resourceOf(g: SimGuest) {
  const disk = Object.entries(g.config).find(([k]) => k === 'scsi0' || k === 'rootfs')?.[1];
  const diskGb = Number(/size=(\d+)G/.exec(String(disk ?? ''))?.[1] ?? 0);
  const uptime = g.startedAt ? Math.floor((Date.now() - g.startedAt) / 1000) : 0;
  return {
    id: `${g.type}/${g.vmid}`,
    type: g.type,
    vmid: g.vmid,
    node: g.node,
    name: guestName(g),
    status: g.status,
    template: g.template ? 1 : 0,
    maxcpu: Number(g.config.cores ?? 1) * Number(g.config.sockets ?? 1),
    maxmem: Number(g.config.memory ?? 512) * MIB,
    maxdisk: diskGb * GIB,
    mem: g.status === 'running' ? Math.round(Number(g.config.memory ?? 512) * MIB * 0.4) : 0,
    cpu: g.status === 'running' ? 0.02 : 0,
    disk: 0,
    uptime,
    netin: 0,
    netout: 0,
    diskread: 0,
    diskwrite: 0,
    ...(g.config.tags ? { tags: String(g.config.tags) } : {}),
    ...(g.lock ? { lock: g.lock } : {}),
  };
}

function nodeRow(cluster: PveCluster, node: string) {
  return {
    id: `node/${node}`,
    type: 'node',
    node,
    status: 'online',
    level: '',
    cpu: 0.03,
    maxcpu: cluster.nodeCpus.get(node) ?? 64,
    mem: 12 * GIB,
    maxmem: 256 * GIB,
    uptime: 864_000,
    ssl_fingerprint: '',
  };
}

function storageRows(node: string) {
  return [
    {
      id: `storage/${node}/local`,
      type: 'storage',
      storage: 'local',
      node,
      status: 'available',
      plugintype: 'dir',
      content: 'iso,vztmpl,backup',
      shared: 0,
      disk: 10 * GIB,
      maxdisk: 100 * GIB,
    },
    {
      id: `storage/${node}/local-lvm`,
      type: 'storage',
      storage: 'local-lvm',
      node,
      status: 'available',
      plugintype: 'lvmthin',
      content: 'images,rootdir',
      shared: 0,
      disk: 200 * GIB,
      maxdisk: 1800 * GIB,
    },
  ];
}

const guestOf = (ctx: RouteContext, m: string[]) =>
  ctx.cluster.guest(m[0]!, m[1] as GuestType, vmidParam(m[2]!));

export function vmidParam(raw: string): number {
  if (!/^\d+$/.test(raw) || Number(raw) < 100 || Number(raw) > 999_999_999)
    throw paramError({ vmid: 'invalid format - value does not look like a valid VM ID' });
  return Number(raw);
}

export function forbidden(ctx: RouteContext, path: string, privilege: string): void {
  if (ctx.readOnly) throw new PveError(403, `Permission check failed (${path}, ${privilege})`);
}

/** `start` and `limit`, as the task lists and logs take them. */
function page<T>(items: T[], params: Record<string, string>): RouteAnswer {
  const start = /^\d+$/.test(params.start ?? '') ? Number(params.start) : 0;
  const limit = /^\d+$/.test(params.limit ?? '') ? Number(params.limit) : 50;
  return { data: items.slice(start, start + limit), total: items.length };
}

const NODE = '([^/]+)';
const GUEST = `${NODE}/(qemu|lxc)/([^/]+)`;

export const ROUTES: Array<[string, RegExp, Handler]> = [
  ['GET', /^\/version$/, () => ({ data: { version: '8.2.4', release: '8.2', repoid: 'faa83925c9641325' } })],
  ['GET', /^\/nodes$/, (ctx) => ({ data: ctx.cluster.nodes.map((n) => nodeRow(ctx.cluster, n)) })],
  [
    'GET',
    /^\/cluster\/resources$/,
    (ctx) => {
      const c = ctx.cluster;
      c.settle();
      const type = ctx.params.type;
      if (type !== undefined && !['vm', 'storage', 'node', 'sdn'].includes(type))
        throw paramError({
          type: `value '${type}' does not have a value in the enumeration 'vm, storage, node, sdn'`,
        });
      const vms = [...c.guests.values()].sort((a, b) => a.vmid - b.vmid).map(resourceOf);
      const nodes = c.nodes.map((n) => nodeRow(c, n));
      const storages = c.nodes.flatMap(storageRows);
      const data =
        type === 'vm'
          ? vms
          : type === 'node'
            ? nodes
            : type === 'storage'
              ? storages
              : type === 'sdn'
                ? []
                : [...vms, ...nodes, ...storages];
      return { data };
    },
  ],
  ['GET', /^\/cluster\/nextid$/, (ctx) => ({ data: String(ctx.cluster.nextId()) })],
  [
    'GET',
    new RegExp(`^/nodes/${NODE}/storage/([^/]+)/content$`),
    (ctx, [node, storage]) => {
      ctx.cluster.node(node!);
      if (storage !== 'local' && storage !== 'local-lvm')
        throw new PveError(500, `storage '${storage}' does not exist`);
      const vmid = ctx.params.vmid === undefined ? undefined : Number(ctx.params.vmid);
      const data = [...ctx.cluster.volumes.values()]
        .filter(
          (v) =>
            v.node === node && v.volid.startsWith(`${storage}:`) && (vmid === undefined || v.vmid === vmid),
        )
        .map((v) => ({
          volid: v.volid,
          vmid: v.vmid,
          size: v.sizeBytes,
          format: 'raw',
          content: 'images',
          ctime: 1_704_067_200,
        }));
      return { data };
    },
  ],
  [
    'GET',
    new RegExp(`^/nodes/${GUEST}/config$`),
    (ctx, m) => {
      const g = guestOf(ctx, m);
      return {
        data: {
          ...g.config,
          digest: 'a3f1c2d4e5b6a7980112233445566778899aabbc',
          ...(g.lock ? { lock: g.lock } : {}),
        },
      };
    },
  ],
  [
    'PUT',
    new RegExp(`^/nodes/${GUEST}/config$`),
    (ctx, m) => {
      const g = guestOf(ctx, m);
      forbidden(ctx, `/vms/${g.vmid}`, 'VM.Config.Options');
      ctx.cluster.updateConfig(g, ctx.params);
      return { data: null };
    },
  ],
  [
    'GET',
    new RegExp(`^/nodes/${GUEST}/status/current$`),
    (ctx, m) => {
      const g = guestOf(ctx, m);
      const r = resourceOf(g);
      return { data: { ...r, cpus: r.maxcpu, qmpstatus: g.status, agent: g.config.agent === '1' ? 1 : 0 } };
    },
  ],
  [
    'POST',
    new RegExp(`^/nodes/${GUEST}/status/([a-z]+)$`),
    (ctx, m) => {
      const g = guestOf(ctx, m);
      forbidden(ctx, `/vms/${g.vmid}`, 'VM.PowerMgmt');
      return { data: ctx.cluster.power(g, m[3]!, ctx.params, ctx.user) };
    },
  ],
  [
    'POST',
    new RegExp(`^/nodes/${GUEST}/clone$`),
    (ctx, m) => {
      const g = guestOf(ctx, m);
      forbidden(ctx, `/vms/${g.vmid}`, 'VM.Clone');
      return { data: ctx.cluster.clone(g, ctx.params, ctx.user) };
    },
  ],
  ['GET', new RegExp(`^/nodes/${GUEST}/snapshot$`), (ctx, m) => ({ data: listSnapshots(guestOf(ctx, m)) })],
  [
    'POST',
    new RegExp(`^/nodes/${GUEST}/snapshot$`),
    (ctx, m) => {
      const g = guestOf(ctx, m);
      forbidden(ctx, `/vms/${g.vmid}`, 'VM.Snapshot');
      return { data: createSnapshot(ctx.cluster, g, ctx.params, ctx.user) };
    },
  ],
  [
    'POST',
    new RegExp(`^/nodes/${GUEST}/snapshot/([^/]+)/rollback$`),
    (ctx, m) => {
      const g = guestOf(ctx, m);
      forbidden(ctx, `/vms/${g.vmid}`, 'VM.Snapshot.Rollback');
      return { data: rollback(ctx.cluster, g, m[3]!, ctx.params, ctx.user) };
    },
  ],
  [
    'DELETE',
    new RegExp(`^/nodes/${GUEST}/snapshot/([^/]+)$`),
    (ctx, m) => {
      const g = guestOf(ctx, m);
      forbidden(ctx, `/vms/${g.vmid}`, 'VM.Snapshot');
      return { data: deleteSnapshot(ctx.cluster, g, m[3]!, ctx.user) };
    },
  ],
  [
    'DELETE',
    new RegExp(`^/nodes/${GUEST}$`),
    (ctx, m) => {
      const g = guestOf(ctx, m);
      forbidden(ctx, `/vms/${g.vmid}`, 'VM.Allocate');
      return { data: ctx.cluster.destroy(g, ctx.user) };
    },
  ],
  [
    'GET',
    new RegExp(`^/nodes/${NODE}/qemu/([^/]+)/agent/network-get-interfaces$`),
    (ctx, [node, vmid]) => {
      const g = ctx.cluster.guest(node!, 'qemu', vmidParam(vmid!));
      if (g.status !== 'running') throw new PveError(500, `VM ${g.vmid} is not running`);
      if (g.config.agent !== '1') throw new PveError(500, 'No QEMU guest agent configured');
      if (!g.agentRunning) throw new PveError(500, 'QEMU guest agent is not running');
      return {
        data: {
          result: [
            {
              name: 'lo',
              'hardware-address': '00:00:00:00:00:00',
              'ip-addresses': [{ 'ip-address': '127.0.0.1', 'ip-address-type': 'ipv4', prefix: 8 }],
            },
            {
              name: 'eth0',
              'hardware-address': 'bc:24:11:00:00:01',
              'ip-addresses': [{ 'ip-address': g.address, 'ip-address-type': 'ipv4', prefix: 8 }],
            },
          ],
        },
      };
    },
  ],
  [
    'GET',
    new RegExp(`^/nodes/${NODE}/lxc/([^/]+)/interfaces$`),
    (ctx, [node, vmid]) => {
      const g = ctx.cluster.guest(node!, 'lxc', vmidParam(vmid!));
      if (g.status !== 'running') throw new PveError(500, `CT ${g.vmid} not running`);
      return {
        data: [
          { name: 'lo', hwaddr: '00:00:00:00:00:00', inet: '127.0.0.1/8', inet6: '::1/128' },
          {
            name: 'eth0',
            hwaddr: 'bc:24:11:00:00:02',
            inet: `${g.address}/8`,
          },
        ],
      };
    },
  ],
  [
    'GET',
    new RegExp(`^/nodes/${NODE}/tasks$`),
    (ctx, [node]) => {
      ctx.cluster.node(node!);
      ctx.cluster.settle();
      const vmid = ctx.params.vmid;
      const tasks = [...ctx.cluster.tasks.values()]
        .filter((t) => t.node === node && (vmid === undefined || t.id === vmid))
        .reverse()
        .map((t) => ({
          upid: t.upid,
          node: t.node,
          type: t.type,
          id: t.id,
          user: t.user,
          starttime: t.starttime,
          status: t.exitstatus ?? undefined,
        }));
      return page(tasks, ctx.params);
    },
  ],
  [
    'GET',
    new RegExp(`^/nodes/${NODE}/tasks/([^/]+)/status$`),
    (ctx, [node, upid]) => {
      const t = ctx.cluster.getTask(node!, upid!);
      return {
        data: {
          upid: t.upid,
          node: t.node,
          pid: Number.parseInt(t.upid.split(':')[2]!, 16),
          pstart: Number.parseInt(t.upid.split(':')[3]!, 16),
          starttime: t.starttime,
          type: t.type,
          id: t.id,
          user: t.user,
          status: t.status,
          ...(t.status === 'stopped' ? { exitstatus: t.exitstatus } : {}),
        },
      };
    },
  ],
  [
    'GET',
    new RegExp(`^/nodes/${NODE}/tasks/([^/]+)/log$`),
    (ctx, [node, upid]) => {
      const t = ctx.cluster.getTask(node!, upid!);
      return page(
        t.log.map((line, i) => ({ n: i + 1, t: line })),
        ctx.params,
      );
    },
  ],
];
