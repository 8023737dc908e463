// Microsoft.Network's REST paths for virtual networks, their subnets, network security groups and
// their security rules, in ARM's JSON (under `properties`). Creating, changing and deleting are
// long-running: 201/202 with Azure-AsyncOperation, the resource `Updating` or `Deleting` meanwhile.

import type { SimRequest, SimResponse } from '../common/server';
import {
  type ArmContext,
  accepted,
  body,
  type Handler,
  inSub,
  invalidBody,
  NAME_RE,
  page,
  placement,
  RG,
  SUB,
} from './arm';
import { armError, json, notFound } from './errors';
import {
  type ArmNetworks,
  nsgId,
  readRule,
  type SimNsg,
  type SimSecurityRule,
  type SimSubnet,
  type SimVnet,
  vnetId,
} from './networks';

const NET = 'Microsoft.Network';
const etag = (guid: string) => `W/"${guid}"`;
const lower = (s: string) => s.toLowerCase();

function renderSubnet(net: ArmNetworks, vnet: SimVnet, s: SimSubnet) {
  const nics = net.nicsIn(s);
  return {
    name: s.name,
    id: s.id,
    etag: etag(vnet.resourceGuid),
    type: `${NET}/virtualNetworks/subnets`,
    properties: {
      provisioningState: s.provisioningState,
      addressPrefix: s.addressPrefix,
      ...(s.nsgId ? { networkSecurityGroup: { id: s.nsgId } } : {}),
      ...(nics.length
        ? { ipConfigurations: nics.map((n) => ({ id: `${n.id}/ipConfigurations/ipconfig1` })) }
        : {}),
      delegations: [],
      privateEndpointNetworkPolicies: 'Disabled',
      privateLinkServiceNetworkPolicies: 'Enabled',
    },
  };
}

function renderVnet(net: ArmNetworks, v: SimVnet) {
  return {
    name: v.name,
    id: v.id,
    etag: etag(v.resourceGuid),
    type: `${NET}/virtualNetworks`,
    location: v.location,
    tags: v.tags,
    properties: {
      provisioningState: v.provisioningState,
      resourceGuid: v.resourceGuid,
      addressSpace: { addressPrefixes: v.addressPrefixes },
      subnets: [...v.subnets.values()].map((s) => renderSubnet(net, v, s)),
      virtualNetworkPeerings: [],
      enableDdosProtection: false,
    },
  };
}

function renderRule(
  nsg: SimNsg,
  r: SimSecurityRule,
  kind: 'securityRules' | 'defaultSecurityRules' = 'securityRules',
) {
  const { id, name, provisioningState, ...props } = r;
  return {
    name,
    id,
    etag: etag(nsg.resourceGuid),
    type: `${NET}/networkSecurityGroups/${kind}`,
    properties: { provisioningState, ...props },
  };
}

/** The rules every NSG ends with, below any of its own (65000 and up). */
function defaultRules(nsg: SimNsg) {
  const rule = (
    name: string,
    priority: number,
    direction: 'Inbound' | 'Outbound',
    access: 'Allow' | 'Deny',
    from: string,
    to: string,
  ) =>
    renderRule(
      nsg,
      {
        id: `${nsg.id}/defaultSecurityRules/${name}`,
        name,
        provisioningState: 'Succeeded',
        description: `${access} ${direction.toLowerCase()} traffic from ${from} to ${to}`,
        protocol: '*',
        access,
        direction,
        priority,
        sourcePortRange: '*',
        sourcePortRanges: [],
        destinationPortRange: '*',
        destinationPortRanges: [],
        sourceAddressPrefix: from,
        sourceAddressPrefixes: [],
        destinationAddressPrefix: to,
        destinationAddressPrefixes: [],
      },
      'defaultSecurityRules',
    );
  return [
    rule('AllowVnetInBound', 65000, 'Inbound', 'Allow', 'VirtualNetwork', 'VirtualNetwork'),
    rule('AllowAzureLoadBalancerInBound', 65001, 'Inbound', 'Allow', 'AzureLoadBalancer', '*'),
    rule('DenyAllInBound', 65500, 'Inbound', 'Deny', '*', '*'),
    rule('AllowVnetOutBound', 65000, 'Outbound', 'Allow', 'VirtualNetwork', 'VirtualNetwork'),
    rule('AllowInternetOutBound', 65001, 'Outbound', 'Allow', '*', 'Internet'),
    rule('DenyAllOutBound', 65500, 'Outbound', 'Deny', '*', '*'),
  ];
}

function renderNsg(net: ArmNetworks, g: SimNsg) {
  const { subnets, nics } = net.holders(g);
  return {
    name: g.name,
    id: g.id,
    etag: etag(g.resourceGuid),
    type: `${NET}/networkSecurityGroups`,
    location: g.location,
    tags: g.tags,
    properties: {
      provisioningState: g.provisioningState,
      resourceGuid: g.resourceGuid,
      securityRules: [...g.rules.values()].map((r) => renderRule(g, r)),
      defaultSecurityRules: defaultRules(g),
      ...(nics.length ? { networkInterfaces: nics.map((n) => ({ id: n.id })) } : {}),
      ...(subnets.length ? { subnets: subnets.map((s) => ({ id: s.id })) } : {}),
    },
  };
}

const badName = (name: string) =>
  armError(
    400,
    'InvalidResourceName',
    `Resource name ${name} is invalid. The name can be up to 80 characters long. It must begin with a word character, and it must end with a word character or with '_'. The name may contain word characters or '.', '-', '_'.`,
  );

const props = (b: Record<string, unknown>) => (b.properties ?? {}) as Record<string, unknown>;

/** A change's answer: the resource shows `Updating` until its operation finishes. */
function lro(
  ctx: ArmContext,
  where: { subscriptionId: string; location: string },
  target: { provisioningState: string },
  status: number,
  render: () => unknown,
) {
  target.provisioningState = 'Updating';
  const op = ctx.state.operation(where.subscriptionId, where.location, () => {
    target.provisioningState = 'Succeeded';
  });
  return accepted(ctx, op, status, render(), NET);
}

function findVnet(ctx: ArmContext, [sub, rg, name]: string[]): SimVnet | SimResponse {
  return ctx.net.vnet(vnetId(sub!, rg!, name!)) ?? notFound(`${NET}/virtualNetworks`, name!, rg!);
}

function findNsg(ctx: ArmContext, [sub, rg, name]: string[]): SimNsg | SimResponse {
  return ctx.net.nsg(nsgId(sub!, rg!, name!)) ?? notFound(`${NET}/networkSecurityGroups`, name!, rg!);
}

export function nsgRef(ctx: ArmContext, raw: unknown, holder: string): string | null | SimResponse {
  if (raw === undefined || raw === null) return null;
  const id = (raw as { id?: unknown }).id;
  const nsg = typeof id === 'string' ? ctx.net.nsg(id) : undefined;
  if (!nsg)
    return armError(
      400,
      'InvalidResourceReference',
      `Resource ${String(id)} referenced by resource ${holder} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`,
    );
  return nsg.id;
}

function putVnet(ctx: ArmContext, req: SimRequest, params: string[]): SimResponse {
  const b = body(req);
  if (!b) return invalidBody();
  const [sub, rg, name] = params as [string, string, string];
  const existing = ctx.net.vnet(vnetId(sub, rg, name));
  const placed = existing
    ? { location: existing.location }
    : placement(ctx, params, b.location, `${NET}/virtualNetworks`);
  if ('status' in placed) return placed;
  const prefixes = (props(b).addressSpace as { addressPrefixes?: unknown } | undefined)?.addressPrefixes;
  if (!Array.isArray(prefixes) || prefixes.length === 0)
    return armError(
      400,
      'InvalidRequestFormat',
      'Cannot parse the request. AddressSpace.AddressPrefixes is missing.',
    );
  for (const p of prefixes) {
    const range = ctx.net.range(p, `the address space of virtual network ${name}`);
    if ('status' in range) return range;
  }
  const subnets = (props(b).subnets ?? []) as Array<{
    name?: unknown;
    properties?: { addressPrefix?: unknown };
  }>;
  if (!Array.isArray(subnets)) return invalidBody();
  // Checked against a scratch network, so a refusal changes nothing.
  const scratch: SimVnet = {
    ...(existing ?? {
      id: vnetId(sub, rg, name),
      subscriptionId: sub,
      resourceGroup: rg,
      name,
      tags: {},
      resourceGuid: crypto.randomUUID(),
      provisioningState: 'Succeeded' as const,
    }),
    location: placed.location,
    addressPrefixes: prefixes as string[],
    subnets: new Map(),
  };
  for (const s of subnets) {
    if (typeof s?.name !== 'string' || !NAME_RE.test(s.name)) return badName(String(s?.name));
    const refused = ctx.net.subnetRange(scratch, s.name, s.properties?.addressPrefix);
    if (refused) return refused;
    const kept = existing?.subnets.get(lower(s.name));
    scratch.subnets.set(lower(s.name), {
      ...(kept ?? {
        id: `${scratch.id}/subnets/${s.name}`,
        name: s.name,
        nsgId: null,
        provisioningState: 'Succeeded',
      }),
      addressPrefix: String(s.properties?.addressPrefix),
    });
  }
  // A PUT states the whole network: subnets it leaves out go, unless something sits in them.
  for (const old of existing?.subnets.values() ?? []) {
    if (scratch.subnets.has(lower(old.name))) continue;
    const refused = ctx.net.inUse(old);
    if (refused) return refused;
  }
  const vnet = existing ?? ctx.net.addVnet(sub, rg, name, placed.location, scratch.addressPrefixes);
  vnet.addressPrefixes = scratch.addressPrefixes;
  vnet.subnets = scratch.subnets;
  if (b.tags && typeof b.tags === 'object') vnet.tags = b.tags as Record<string, string>;
  return lro(ctx, vnet, vnet, existing ? 200 : 201, () => renderVnet(ctx.net, vnet));
}

function deleteVnet(ctx: ArmContext, _req: SimRequest, params: string[]): SimResponse {
  const vnet = findVnet(ctx, params);
  if ('status' in vnet) return { status: 204 };
  for (const s of vnet.subnets.values()) {
    const refused = ctx.net.inUse(s);
    if (refused) return refused;
  }
  vnet.provisioningState = 'Deleting';
  const op = ctx.state.operation(vnet.subscriptionId, vnet.location, () =>
    ctx.net.vnets.delete(lower(vnet.id)),
  );
  return accepted(ctx, op, 202, undefined, NET);
}

function putSubnet(ctx: ArmContext, req: SimRequest, [sub, rg, vnetName, name]: string[]): SimResponse {
  const b = body(req);
  if (!b) return invalidBody();
  const vnet = findVnet(ctx, [sub!, rg!, vnetName!]);
  if ('status' in vnet) return vnet;
  if (!NAME_RE.test(name!)) return badName(name!);
  const p = props(b);
  const prefix = p.addressPrefix ?? (Array.isArray(p.addressPrefixes) ? p.addressPrefixes[0] : undefined);
  const existing = vnet.subnets.get(lower(name!));
  const nsg = nsgRef(ctx, p.networkSecurityGroup, `${vnet.id}/subnets/${name}`);
  if (nsg !== null && typeof nsg !== 'string') return nsg;
  if (existing && existing.addressPrefix !== prefix && ctx.net.nicsIn(existing).length > 0)
    return armError(
      400,
      'InUseSubnetCannotBeUpdated',
      `Subnet ${name} is in use and cannot be updated. Its address prefix cannot change while resources use it.`,
    );
  const refused = ctx.net.subnetRange(vnet, name!, prefix);
  if (refused) return refused;
  const subnet = existing ?? ctx.net.addSubnet(vnet, name!, String(prefix));
  subnet.addressPrefix = String(prefix);
  subnet.nsgId = nsg;
  return lro(ctx, vnet, subnet, existing ? 200 : 201, () => renderSubnet(ctx.net, vnet, subnet));
}

function deleteSubnet(ctx: ArmContext, _req: SimRequest, [sub, rg, vnetName, name]: string[]): SimResponse {
  const vnet = findVnet(ctx, [sub!, rg!, vnetName!]);
  if ('status' in vnet) return vnet;
  const subnet = vnet.subnets.get(lower(name!));
  if (!subnet) return { status: 204 };
  const refused = ctx.net.inUse(subnet);
  if (refused) return refused;
  subnet.provisioningState = 'Deleting';
  const op = ctx.state.operation(vnet.subscriptionId, vnet.location, () =>
    vnet.subnets.delete(lower(subnet.name)),
  );
  return accepted(ctx, op, 202, undefined, NET);
}

function putNsg(ctx: ArmContext, req: SimRequest, params: string[]): SimResponse {
  const b = body(req);
  if (!b) return invalidBody();
  const [sub, rg, name] = params as [string, string, string];
  const existing = ctx.net.nsg(nsgId(sub, rg, name));
  const placed = existing
    ? { location: existing.location }
    : placement(ctx, params, b.location, `${NET}/networkSecurityGroups`);
  if ('status' in placed) return placed;
  const raw = props(b).securityRules ?? [];
  if (!Array.isArray(raw)) return invalidBody();
  // Rules checked on a scratch group first: a refused PUT changes nothing.
  const scratch: SimNsg = {
    ...(existing ?? {
      id: nsgId(sub, rg, name),
      subscriptionId: sub,
      resourceGroup: rg,
      name,
      location: placed.location,
      tags: {},
      resourceGuid: '',
      provisioningState: 'Succeeded' as const,
    }),
    rules: new Map(),
  };
  for (const r of raw as Array<{ name?: unknown; properties?: Record<string, unknown> }>) {
    if (typeof r?.name !== 'string' || !NAME_RE.test(r.name)) return badName(String(r?.name));
    const rule = readRule(r.properties ?? {});
    if ('status' in rule) return rule;
    const put = ctx.net.putRule(scratch, r.name, rule);
    if ('status' in put) return put;
  }
  const nsg = existing ?? ctx.net.addNsg(sub, rg, name, placed.location);
  nsg.rules = scratch.rules;
  if (b.tags && typeof b.tags === 'object') nsg.tags = b.tags as Record<string, string>;
  return lro(ctx, nsg, nsg, existing ? 200 : 201, () => renderNsg(ctx.net, nsg));
}

function deleteNsg(ctx: ArmContext, _req: SimRequest, params: string[]): SimResponse {
  const nsg = findNsg(ctx, params);
  if ('status' in nsg) return { status: 204 };
  const { subnets, nics } = ctx.net.holders(nsg);
  const users = [...subnets.map((s) => s.id), ...nics.map((n) => n.id)];
  if (users.length)
    return armError(
      400,
      'InUseNetworkSecurityGroupCannotBeDeleted',
      `Network security group ${nsg.id} cannot be deleted because it is in use by the following resources: ${users.join(', ')}. In order to delete the Network security group, remove the association with the resource(s). To learn how to do this, see aka.ms/deletensg.`,
    );
  nsg.provisioningState = 'Deleting';
  const op = ctx.state.operation(nsg.subscriptionId, nsg.location, () => ctx.net.nsgs.delete(lower(nsg.id)));
  return accepted(ctx, op, 202, undefined, NET);
}

function putRule(ctx: ArmContext, req: SimRequest, [sub, rg, nsgName, name]: string[]): SimResponse {
  const b = body(req);
  if (!b) return invalidBody();
  const nsg = findNsg(ctx, [sub!, rg!, nsgName!]);
  if ('status' in nsg) return nsg;
  if (!NAME_RE.test(name!)) return badName(name!);
  const rule = readRule(props(b));
  if ('status' in rule) return rule;
  const existed = nsg.rules.has(lower(name!));
  const put = ctx.net.putRule(nsg, name!, rule);
  if ('status' in put) return put;
  return lro(ctx, nsg, put, existed ? 200 : 201, () => renderRule(nsg, put));
}

function deleteRule(ctx: ArmContext, _req: SimRequest, [sub, rg, nsgName, name]: string[]): SimResponse {
  const nsg = findNsg(ctx, [sub!, rg!, nsgName!]);
  if ('status' in nsg) return nsg;
  const rule = nsg.rules.get(lower(name!));
  if (!rule) return { status: 204 };
  rule.provisioningState = 'Deleting';
  const op = ctx.state.operation(nsg.subscriptionId, nsg.location, () => nsg.rules.delete(lower(rule.name)));
  return accepted(ctx, op, 202, undefined, NET);
}

const VNETS = `${RG}/providers/Microsoft\\.Network/virtualNetworks`;
const NSGS = `${RG}/providers/Microsoft\\.Network/networkSecurityGroups`;
const re = (path: string) => new RegExp(`^${path}$`, 'i');

/** GETs of a kind's list in a subscription and in a resource group, and of one by name. */
function reads<T extends { subscriptionId: string; resourceGroup: string }>(
  all: (ctx: ArmContext) => Iterable<T>,
  find: (ctx: ArmContext, params: string[]) => T | SimResponse,
  render: (ctx: ArmContext, item: T) => unknown,
): { inSubscription: Handler; inGroup: Handler; one: Handler } {
  return {
    inSubscription: (ctx, req, [sub]) => page(ctx, req, inSub(all(ctx), sub!), (i) => render(ctx, i)),
    inGroup: (ctx, req, [sub, rg]) =>
      page(
        ctx,
        req,
        inSub(all(ctx), sub!).filter((i) => lower(i.resourceGroup) === lower(rg!)),
        (i) => render(ctx, i),
      ),
    one: (ctx, _req, params) => {
      const item = find(ctx, params);
      return 'status' in item ? item : json(200, render(ctx, item));
    },
  };
}

/** GETs of a parent's children (subnets, security rules): all of them, and one by name. */
function childReads<P extends object, C>(
  find: (ctx: ArmContext, params: string[]) => P | SimResponse,
  children: (parent: P) => Map<string, C>,
  render: (ctx: ArmContext, parent: P, child: C) => unknown,
  [parentType, childType]: [string, string],
): { all: Handler; one: Handler } {
  return {
    all: (ctx, req, params) => {
      const parent = find(ctx, params);
      return 'status' in parent
        ? parent
        : page(ctx, req, [...children(parent).values()], (c) => render(ctx, parent, c));
    },
    one: (ctx, _req, [sub, rg, parentName, name]) => {
      const parent = find(ctx, [sub!, rg!, parentName!]);
      if ('status' in parent) return parent;
      const child = children(parent).get(lower(name!));
      return child
        ? json(200, render(ctx, parent, child))
        : notFound(`${NET}/${parentType}/${parentName}/${childType}`, name!, rg!);
    },
  };
}

const vnets = reads(
  (ctx) => ctx.net.vnets.values(),
  findVnet,
  (ctx, v) => renderVnet(ctx.net, v),
);
const subnets = childReads(
  findVnet,
  (v) => v.subnets,
  (ctx, v, s) => renderSubnet(ctx.net, v, s),
  ['virtualNetworks', 'subnets'],
);
const nsgs = reads(
  (ctx) => ctx.net.nsgs.values(),
  findNsg,
  (ctx, g) => renderNsg(ctx.net, g),
);
const rules = childReads(
  findNsg,
  (g) => g.rules,
  (_ctx, g, r) => renderRule(g, r),
  ['networkSecurityGroups', 'securityRules'],
);

export const NETWORK_ROUTES: Array<[string, RegExp, Handler]> = [
  ['GET', re(`${SUB}/providers/Microsoft\\.Network/virtualNetworks`), vnets.inSubscription],
  ['GET', re(VNETS), vnets.inGroup],
  ['GET', re(`${VNETS}/([^/]+)`), vnets.one],
  ['PUT', re(`${VNETS}/([^/]+)`), putVnet],
  ['DELETE', re(`${VNETS}/([^/]+)`), deleteVnet],
  ['GET', re(`${VNETS}/([^/]+)/subnets`), subnets.all],
  ['GET', re(`${VNETS}/([^/]+)/subnets/([^/]+)`), subnets.one],
  ['PUT', re(`${VNETS}/([^/]+)/subnets/([^/]+)`), putSubnet],
  ['DELETE', re(`${VNETS}/([^/]+)/subnets/([^/]+)`), deleteSubnet],
  ['GET', re(`${SUB}/providers/Microsoft\\.Network/networkSecurityGroups`), nsgs.inSubscription],
  ['GET', re(NSGS), nsgs.inGroup],
  ['GET', re(`${NSGS}/([^/]+)`), nsgs.one],
  ['PUT', re(`${NSGS}/([^/]+)`), putNsg],
  ['DELETE', re(`${NSGS}/([^/]+)`), deleteNsg],
  ['GET', re(`${NSGS}/([^/]+)/securityRules`), rules.all],
  ['GET', re(`${NSGS}/([^/]+)/securityRules/([^/]+)`), rules.one],
  ['PUT', re(`${NSGS}/([^/]+)/securityRules/([^/]+)`), putRule],
  ['DELETE', re(`${NSGS}/([^/]+)/securityRules/([^/]+)`), deleteRule],
];
