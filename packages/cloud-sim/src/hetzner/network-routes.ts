// /v1/networks and /v1/firewalls in Hetzner's JSON: networks with their subnets and servers,
// firewalls with their rules and what they apply to (servers, label selectors and the servers
// those select).

import { ok, type Route } from '../common/token-api';
import type { HzProject, SimHzAction } from './account';
import type { SimHzFirewall, SimHzNetwork, SimHzRule } from './networks';
import { actionJson, id, page } from './routes';

const networkJson = (n: SimHzNetwork) => ({
  id: n.id,
  name: n.name,
  ip_range: n.ipRange,
  subnets: n.subnets.map((s) => ({
    type: s.type,
    ip_range: s.ipRange,
    network_zone: s.networkZone,
    gateway: s.gateway,
    vswitch_id: null,
  })),
  routes: [],
  servers: [...n.servers.keys()],
  load_balancers: [],
  protection: { delete: false },
  labels: n.labels,
  created: n.created,
  expose_routes_to_vswitch: false,
});

const ruleJson = (r: SimHzRule) => ({
  direction: r.direction,
  protocol: r.protocol,
  port: r.port,
  source_ips: r.sourceIps,
  destination_ips: r.destinationIps,
  description: r.description,
});

const serverRef = (server: number) => ({ type: 'server', server: { id: server } });

const firewallJson = (project: HzProject) => (f: SimHzFirewall) => ({
  id: f.id,
  name: f.name,
  labels: f.labels,
  created: f.created,
  rules: f.rules.map(ruleJson),
  applied_to: f.appliedTo.map((a) =>
    a.type === 'server'
      ? serverRef(a.server)
      : {
          type: 'label_selector',
          label_selector: { selector: a.selector },
          applied_to_resources: project.net.serversOf(f, a.selector).map(serverRef),
        },
  ),
});

const actions = (list: SimHzAction[]) => ({ actions: list.map(actionJson) });

export const NETWORK_ROUTES: Route<HzProject>[] = [
  [
    'GET',
    /^\/v1\/networks$/,
    (ctx) => page(ctx, 'networks', [...ctx.account.net.networks.values()], networkJson),
  ],
  [
    'POST',
    /^\/v1\/networks$/,
    (ctx) => ok({ network: networkJson(ctx.account.net.createNetwork(ctx.body)) }, 201),
  ],
  [
    'GET',
    /^\/v1\/networks\/([^/]+)$/,
    (ctx, [n]) => ok({ network: networkJson(ctx.account.net.network(id(n))) }),
  ],
  [
    'DELETE',
    /^\/v1\/networks\/([^/]+)$/,
    (ctx, [n]) => {
      ctx.account.net.deleteNetwork(id(n));
      return { status: 204 };
    },
  ],
  [
    'POST',
    /^\/v1\/networks\/([^/]+)\/actions\/add_subnet$/,
    (ctx, [n]) => ok({ action: actionJson(ctx.account.net.addSubnet(id(n), ctx.body)) }, 201),
  ],
  [
    'POST',
    /^\/v1\/networks\/([^/]+)\/actions\/delete_subnet$/,
    (ctx, [n]) => ok({ action: actionJson(ctx.account.net.deleteSubnet(id(n), ctx.body)) }, 201),
  ],
  [
    'GET',
    /^\/v1\/firewalls$/,
    (ctx) => page(ctx, 'firewalls', [...ctx.account.net.firewalls.values()], firewallJson(ctx.account)),
  ],
  [
    'POST',
    /^\/v1\/firewalls$/,
    (ctx) => {
      const made = ctx.account.net.createFirewall(ctx.body);
      return ok({ firewall: firewallJson(ctx.account)(made.firewall), ...actions(made.actions) }, 201);
    },
  ],
  [
    'GET',
    /^\/v1\/firewalls\/([^/]+)$/,
    (ctx, [f]) => ok({ firewall: firewallJson(ctx.account)(ctx.account.net.firewall(id(f))) }),
  ],
  [
    'DELETE',
    /^\/v1\/firewalls\/([^/]+)$/,
    (ctx, [f]) => {
      ctx.account.net.deleteFirewall(id(f));
      return { status: 204 };
    },
  ],
  [
    'POST',
    /^\/v1\/firewalls\/([^/]+)\/actions\/set_rules$/,
    (ctx, [f]) => ok(actions(ctx.account.net.setRules(id(f), ctx.body)), 201),
  ],
];
