// /v2/vpcs, an instance's VPCs (/v2/instances/{id}/vpcs, attach, detach) and /v2/firewalls with
// their rules, in Vultr's JSON.

import { ok, type Route } from '../common/token-api';
import type { VultrAccount } from './account';
import type { SimVultrFirewallGroup, SimVultrRule, SimVultrVpc } from './networks';
import { noContent, page } from './routes';

const vpcJson = (v: SimVultrVpc) => ({
  id: v.id,
  date_created: v.dateCreated,
  region: v.region.id,
  description: v.description,
  v4_subnet: v.v4Subnet,
  v4_subnet_mask: v.v4SubnetMask,
});

const groupJson = (account: VultrAccount) => (g: SimVultrFirewallGroup) => ({
  id: g.id,
  description: g.description,
  date_created: g.dateCreated,
  date_modified: g.dateModified,
  instance_count: account.net.instanceCount(g.id),
  rule_count: g.rules.length,
  max_rule_count: 50,
});

const ruleJson = (r: SimVultrRule) => ({
  id: r.id,
  // `type` is the older name of `ip_type`; Vultr still sends both.
  type: r.ipType,
  ip_type: r.ipType,
  action: 'accept',
  protocol: r.protocol,
  port: r.port,
  subnet: r.subnet,
  subnet_size: r.subnetSize,
  source: r.source,
  notes: r.notes,
});

export const NETWORK_ROUTES: Route<VultrAccount>[] = [
  ['GET', /^\/v2\/vpcs$/, (ctx) => page(ctx, 'vpcs', [...ctx.account.net.vpcs.values()], vpcJson)],
  ['POST', /^\/v2\/vpcs$/, (ctx) => ok({ vpc: vpcJson(ctx.account.net.createVpc(ctx.body)) }, 201)],
  ['GET', /^\/v2\/vpcs\/([^/]+)$/, (ctx, [v]) => ok({ vpc: vpcJson(ctx.account.net.vpc(v!)) })],
  [
    'DELETE',
    /^\/v2\/vpcs\/([^/]+)$/,
    (ctx, [v]) => {
      ctx.account.net.deleteVpc(v!);
      return noContent();
    },
  ],
  [
    'GET',
    /^\/v2\/instances\/([^/]+)\/vpcs$/,
    (ctx, [i]) =>
      page(ctx, 'vpcs', [...ctx.account.instance(i!).vpcs], ([id, at]) => ({
        id,
        mac_address: at.mac,
        ip_address: at.ip,
      })),
  ],
  [
    'POST',
    /^\/v2\/instances\/([^/]+)\/vpcs\/(attach|detach)$/,
    (ctx, [i, verb]) => {
      if (verb === 'attach') ctx.account.net.attach(i!, ctx.body);
      else ctx.account.net.detach(i!, ctx.body);
      return { status: 202 };
    },
  ],
  [
    'GET',
    /^\/v2\/firewalls$/,
    (ctx) =>
      page(ctx, 'firewall_groups', [...ctx.account.net.firewallGroups.values()], groupJson(ctx.account)),
  ],
  [
    'POST',
    /^\/v2\/firewalls$/,
    (ctx) =>
      ok({ firewall_group: groupJson(ctx.account)(ctx.account.net.createFirewallGroup(ctx.body)) }, 201),
  ],
  [
    'GET',
    /^\/v2\/firewalls\/([^/]+)$/,
    (ctx, [g]) => ok({ firewall_group: groupJson(ctx.account)(ctx.account.net.firewallGroup(g!)) }),
  ],
  [
    'DELETE',
    /^\/v2\/firewalls\/([^/]+)$/,
    (ctx, [g]) => {
      ctx.account.net.deleteFirewallGroup(g!);
      return noContent();
    },
  ],
  [
    'GET',
    /^\/v2\/firewalls\/([^/]+)\/rules$/,
    (ctx, [g]) => page(ctx, 'firewall_rules', ctx.account.net.firewallGroup(g!).rules, ruleJson),
  ],
  [
    'POST',
    /^\/v2\/firewalls\/([^/]+)\/rules$/,
    (ctx, [g]) => ok({ firewall_rule: ruleJson(ctx.account.net.addRule(g!, ctx.body)) }, 201),
  ],
  [
    'GET',
    /^\/v2\/firewalls\/([^/]+)\/rules\/([^/]+)$/,
    (ctx, [g, r]) => ok({ firewall_rule: ruleJson(ctx.account.net.rule(g!, r!)) }),
  ],
  [
    'DELETE',
    /^\/v2\/firewalls\/([^/]+)\/rules\/([^/]+)$/,
    (ctx, [g, r]) => {
      ctx.account.net.deleteRule(g!, r!);
      return noContent();
    },
  ],
];
