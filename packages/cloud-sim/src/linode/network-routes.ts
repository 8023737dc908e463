// /v4/vpcs and /v4/networking/firewalls in Linode's JSON: VPCs with their subnets and the Linodes
// in each, firewalls with their rules and the devices (Linodes) they protect.

import { ok, type Route } from '../common/token-api';
import type { LinodeAccount } from './account';
import { REGIONS } from './catalog';
import type { SimLinodeFirewall, SimLinodeSubnet, SimLinodeVpc } from './networks';
import { id, page } from './routes';

const subnetJson = (s: SimLinodeSubnet) => ({
  id: s.id,
  label: s.label,
  ipv4: s.ipv4,
  linodes: [...s.linodes].map((l) => ({ id: l, interfaces: [{ id: l + 1, active: true }] })),
  created: s.created,
  updated: s.created,
});

const vpcJson = (v: SimLinodeVpc) => ({
  id: v.id,
  label: v.label,
  description: v.description,
  region: v.region,
  subnets: [...v.subnets.values()].map(subnetJson),
  created: v.created,
  updated: v.created,
});

const entity = (account: LinodeAccount, linode: number) => ({
  id: linode,
  type: 'linode',
  label: account.linodes.get(linode)?.label ?? null,
  url: `/v4/linode/instances/${linode}`,
});

const firewallJson = (account: LinodeAccount) => (f: SimLinodeFirewall) => ({
  id: f.id,
  label: f.label,
  status: 'enabled',
  rules: f.rules,
  tags: f.tags,
  entities: [...f.devices.values()].map((l) => entity(account, l)),
  created: f.created,
  updated: f.created,
});

const deviceJson =
  (account: LinodeAccount, f: SimLinodeFirewall) =>
  ([device, linode]: [number, number]) => ({
    id: device,
    entity: entity(account, linode),
    created: f.created,
    updated: f.created,
  });

const done = (run: () => void) => {
  run();
  return ok({});
};

export const NETWORK_ROUTES: Route<LinodeAccount>[] = [
  ['GET', /^\/v4\/vpcs$/, (ctx) => page(ctx, [...ctx.account.net.vpcs.values()], vpcJson)],
  [
    'POST',
    /^\/v4\/vpcs$/,
    (ctx) =>
      ok(
        vpcJson(
          ctx.account.net.createVpc(
            ctx.body,
            REGIONS.map((r) => r.id),
          ),
        ),
      ),
  ],
  ['GET', /^\/v4\/vpcs\/([^/]+)$/, (ctx, [v]) => ok(vpcJson(ctx.account.net.vpc(id(v))))],
  ['DELETE', /^\/v4\/vpcs\/([^/]+)$/, (ctx, [v]) => done(() => ctx.account.net.deleteVpc(id(v)))],
  [
    'GET',
    /^\/v4\/vpcs\/([^/]+)\/subnets$/,
    (ctx, [v]) => page(ctx, [...ctx.account.net.vpc(id(v)).subnets.values()], subnetJson),
  ],
  [
    'POST',
    /^\/v4\/vpcs\/([^/]+)\/subnets$/,
    (ctx, [v]) => ok(subnetJson(ctx.account.net.createSubnet(id(v), ctx.body))),
  ],
  [
    'DELETE',
    /^\/v4\/vpcs\/([^/]+)\/subnets\/([^/]+)$/,
    (ctx, [v, s]) => done(() => ctx.account.net.deleteSubnet(id(v), id(s))),
  ],
  [
    'GET',
    /^\/v4\/networking\/firewalls$/,
    (ctx) => page(ctx, [...ctx.account.net.firewalls.values()], firewallJson(ctx.account)),
  ],
  [
    'POST',
    /^\/v4\/networking\/firewalls$/,
    (ctx) => ok(firewallJson(ctx.account)(ctx.account.net.createFirewall(ctx.body))),
  ],
  [
    'GET',
    /^\/v4\/networking\/firewalls\/([^/]+)$/,
    (ctx, [f]) => ok(firewallJson(ctx.account)(ctx.account.net.firewall(id(f)))),
  ],
  [
    'DELETE',
    /^\/v4\/networking\/firewalls\/([^/]+)$/,
    (ctx, [f]) => done(() => ctx.account.net.deleteFirewall(id(f))),
  ],
  [
    'GET',
    /^\/v4\/networking\/firewalls\/([^/]+)\/rules$/,
    (ctx, [f]) => ok(ctx.account.net.firewall(id(f)).rules),
  ],
  [
    'PUT',
    /^\/v4\/networking\/firewalls\/([^/]+)\/rules$/,
    (ctx, [f]) => ok(ctx.account.net.setRules(id(f), ctx.body)),
  ],
  [
    'GET',
    /^\/v4\/networking\/firewalls\/([^/]+)\/devices$/,
    (ctx, [f]) => {
      const firewall = ctx.account.net.firewall(id(f));
      return page(ctx, [...firewall.devices], deviceJson(ctx.account, firewall));
    },
  ],
  [
    'POST',
    /^\/v4\/networking\/firewalls\/([^/]+)\/devices$/,
    (ctx, [f]) => {
      const device = ctx.account.net.addDevice(id(f), ctx.body);
      const firewall = ctx.account.net.firewall(id(f));
      return ok(deviceJson(ctx.account, firewall)([device, firewall.devices.get(device)!]));
    },
  ],
  [
    'DELETE',
    /^\/v4\/networking\/firewalls\/([^/]+)\/devices\/([^/]+)$/,
    (ctx, [f, d]) => done(() => ctx.account.net.removeDevice(id(f), id(d))),
  ],
];
