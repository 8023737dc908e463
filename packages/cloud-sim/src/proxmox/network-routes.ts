// The SDN, node network and firewall paths of the emulator, below /api2/json, in the shapes of
// the pve-docs API viewer. Every write checks the caller may change things, as the others do.

import { type GuestType, PveError } from './cluster';
import type { PveNetwork, SimFirewall, SimRule } from './network';
import { forbidden, type RouteAnswer, type RouteContext, vmidParam } from './routes';

type Handler = (ctx: RouteContext, m: string[]) => RouteAnswer;

const NODE = '([^/]+)';
const GUEST_FW = `${NODE}/(qemu|lxc)/([^/]+)/firewall`;

const guestFirewall = (ctx: RouteContext, m: string[]): SimFirewall => {
  const g = ctx.cluster.guest(m[0]!, m[1] as GuestType, vmidParam(m[2]!));
  return ctx.net.guestFirewall(g.vmid);
};

const subnetRow = (net: PveNetwork, id: string) => {
  const s = net.subnets.get(id)!;
  const [network, mask] = s.cidr.split('/');
  return {
    subnet: s.id,
    cidr: s.cidr,
    network,
    mask: Number(mask),
    type: 'subnet',
    vnet: s.vnet,
    zone: net.vnet(s.vnet).zone,
    ...(s.gateway ? { gateway: s.gateway } : {}),
  };
};

/** Writes to a rule list: add (`POST`) and delete (`DELETE …/{pos}`). */
const ruleWrites = (
  base: string,
  rulesOf: (ctx: RouteContext, m: string[]) => SimRule[],
  privilege: string,
): Array<[string, RegExp, Handler]> => [
  ['GET', new RegExp(`^${base}$`), (ctx, m) => ({ data: ctx.net.listRules(rulesOf(ctx, m)) })],
  [
    'POST',
    new RegExp(`^${base}$`),
    (ctx, m) => {
      const rules = rulesOf(ctx, m);
      forbidden(ctx, base, privilege);
      ctx.net.addRule(rules, ctx.params);
      return { data: null };
    },
  ],
  [
    'DELETE',
    new RegExp(`^${base}/([^/]+)$`),
    (ctx, m) => {
      const rules = rulesOf(ctx, m);
      forbidden(ctx, base, privilege);
      ctx.net.deleteRule(rules, m[m.length - 1]!, ctx.params.digest);
      return { data: null };
    },
  ],
];

const SDN_ROUTES: Array<[string, RegExp, Handler]> = [
  [
    'GET',
    /^\/cluster\/sdn\/zones$/,
    (ctx) => ({ data: [...ctx.net.zones.values()].map((z) => ({ ...z, ipam: 'pve' })) }),
  ],
  [
    'POST',
    /^\/cluster\/sdn\/zones$/,
    (ctx) => {
      forbidden(ctx, '/sdn/zones', 'SDN.Allocate');
      ctx.net.createZone(ctx.params);
      return { data: null };
    },
  ],
  [
    'GET',
    /^\/cluster\/sdn\/vnets$/,
    (ctx) => ({ data: [...ctx.net.vnets.values()].map((v) => ({ ...v, type: 'vnet' })) }),
  ],
  [
    'POST',
    /^\/cluster\/sdn\/vnets$/,
    (ctx) => {
      forbidden(ctx, '/sdn/vnets', 'SDN.Allocate');
      ctx.net.createVnet(ctx.params);
      return { data: null };
    },
  ],
  [
    'DELETE',
    /^\/cluster\/sdn\/vnets\/([^/]+)$/,
    (ctx, [vnet]) => {
      forbidden(ctx, '/sdn/vnets', 'SDN.Allocate');
      ctx.net.deleteVnet(vnet!);
      return { data: null };
    },
  ],
  [
    'GET',
    /^\/cluster\/sdn\/vnets\/([^/]+)\/subnets$/,
    (ctx, [vnet]) => {
      ctx.net.vnet(vnet!);
      const ids = [...ctx.net.subnets.values()].filter((s) => s.vnet === vnet).map((s) => s.id);
      return { data: ids.map((id) => subnetRow(ctx.net, id)) };
    },
  ],
  [
    'POST',
    /^\/cluster\/sdn\/vnets\/([^/]+)\/subnets$/,
    (ctx, [vnet]) => {
      forbidden(ctx, '/sdn/vnets', 'SDN.Allocate');
      ctx.net.createSubnet(vnet!, ctx.params);
      return { data: null };
    },
  ],
  [
    'DELETE',
    /^\/cluster\/sdn\/vnets\/([^/]+)\/subnets\/([^/]+)$/,
    (ctx, [vnet, subnet]) => {
      forbidden(ctx, '/sdn/vnets', 'SDN.Allocate');
      ctx.net.deleteSubnet(vnet!, subnet!);
      return { data: null };
    },
  ],
  [
    'PUT',
    /^\/cluster\/sdn$/,
    (ctx) => {
      forbidden(ctx, '/sdn', 'SDN.Allocate');
      return { data: ctx.net.apply(ctx.user) };
    },
  ],
];

/** The SDN paths exist only where the SDN package is installed. */
const sdnOnly = ([method, path, handler]: [string, RegExp, Handler]): [string, RegExp, Handler] => [
  method,
  path,
  (ctx, m) => {
    if (!ctx.net.sdn) throw new PveError(501, `Method '${method} ${path.source}' not implemented`);
    return handler(ctx, m);
  },
];

export const NETWORK_ROUTES: Array<[string, RegExp, Handler]> = [
  ...SDN_ROUTES.map(sdnOnly),
  [
    'GET',
    new RegExp(`^/nodes/${NODE}/network$`),
    (ctx, [node]) => {
      ctx.cluster.node(node!);
      const type = ctx.params.type;
      const bridges = (ctx.net.bridges.get(node!) ?? []).map((b, i) => ({
        iface: b.iface,
        type: 'bridge',
        active: 1,
        autostart: 1,
        method: 'static',
        families: ['inet'],
        cidr: b.cidr,
        address: b.cidr.split('/')[0],
        netmask: b.cidr.split('/')[1],
        bridge_ports: b.ports,
        bridge_stp: 'off',
        bridge_fd: '0',
        priority: 10 + i,
        ...(b.gateway ? { gateway: b.gateway } : {}),
      }));
      const nics = [
        { iface: 'eno1', type: 'eth', active: 1, method: 'manual', families: ['inet'], priority: 3 },
      ];
      const vnets = ctx.net.running.map((v) => ({ iface: v, type: 'vnet', active: 1, method: 'manual' }));
      const all = [...nics, ...bridges, ...vnets];
      if (type === undefined) return { data: all };
      if (type === 'any_bridge') return { data: all.filter((i) => i.type === 'bridge' || i.type === 'vnet') };
      return { data: all.filter((i) => i.type === type) };
    },
  ],
  [
    'GET',
    /^\/cluster\/firewall\/groups$/,
    (ctx) => ({
      data: [...ctx.net.groups.entries()].map(([group, g]) => ({
        group,
        comment: g.comment,
        digest: ctx.net.listRules(g.rules)[0]?.digest ?? '',
      })),
    }),
  ],
  [
    'POST',
    /^\/cluster\/firewall\/groups$/,
    (ctx) => {
      forbidden(ctx, '/', 'Sys.Modify');
      ctx.net.createGroup(ctx.params);
      return { data: null };
    },
  ],
  ...ruleWrites(
    '/cluster/firewall/groups/([^/]+)',
    (ctx, [group]) => ctx.net.group(group!).rules,
    'Sys.Modify',
  ),
  ...ruleWrites(`/nodes/${GUEST_FW}/rules`, (ctx, m) => guestFirewall(ctx, m).rules, 'VM.Config.Network'),
  [
    'GET',
    new RegExp(`^/nodes/${GUEST_FW}/options$`),
    (ctx, m) => ({ data: ctx.net.options(guestFirewall(ctx, m)) }),
  ],
  [
    'PUT',
    new RegExp(`^/nodes/${GUEST_FW}/options$`),
    (ctx, m) => {
      const fw = guestFirewall(ctx, m);
      forbidden(ctx, `/vms/${m[2]}`, 'VM.Config.Network');
      ctx.net.setOptions(fw, ctx.params);
      return { data: null };
    },
  ],
];
