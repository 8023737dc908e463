// Neutron v2.0 under the catalog's network endpoint: networks, subnets, security groups and
// their rules, and ports, in Neutron's JSON with Nova's limit/marker paging.

import { NeutronError, type OsNeutron, type SimNeutronPort, type SimNeutronRule } from './neutron';
import { type Out, page, type ServiceContext } from './routes';

const ok = (json: unknown, status = 200): Out => ({ status, json });
const gone = (): Out => ({ status: 204 });

function render(neutron: OsNeutron, projectId: string) {
  const owner = { tenant_id: projectId, project_id: projectId };
  const rule = (r: SimNeutronRule) => ({
    id: r.id,
    security_group_id: r.securityGroupId,
    direction: r.direction,
    ethertype: r.ethertype,
    protocol: r.protocol,
    port_range_min: r.portMin,
    port_range_max: r.portMax,
    remote_ip_prefix: r.remoteIpPrefix,
    remote_group_id: r.remoteGroupId,
    description: r.description,
    ...owner,
  });
  return {
    rule,
    network: (n: { id: string; name: string; created: string }) => ({
      id: n.id,
      name: n.name,
      ...owner,
      admin_state_up: true,
      status: 'ACTIVE',
      subnets: [...neutron.subnets.values()].filter((s) => s.networkId === n.id).map((s) => s.id),
      shared: false,
      'router:external': false,
      mtu: 1450,
      availability_zones: ['nova'],
      port_security_enabled: true,
      description: '',
      tags: [],
      created_at: n.created,
      updated_at: n.created,
    }),
    subnet: (s: ReturnType<OsNeutron['subnet']>) => ({
      id: s.id,
      name: s.name,
      network_id: s.networkId,
      ...owner,
      ip_version: s.ipVersion,
      cidr: s.cidr,
      gateway_ip: s.gateway,
      enable_dhcp: true,
      allocation_pools: [],
      dns_nameservers: [],
      host_routes: [],
      description: '',
      tags: [],
      created_at: s.created,
      updated_at: s.created,
    }),
    group: (g: ReturnType<OsNeutron['securityGroup']>) => ({
      id: g.id,
      name: g.name,
      description: g.description,
      ...owner,
      stateful: true,
      security_group_rules: g.rules.map(rule),
      tags: [],
    }),
    port: (p: SimNeutronPort) => ({
      id: p.id,
      name: '',
      network_id: p.networkId,
      ...owner,
      mac_address: p.mac,
      admin_state_up: true,
      status: 'ACTIVE',
      device_id: p.deviceId,
      device_owner: p.deviceOwner,
      fixed_ips: p.fixedIps.map((f) => ({ subnet_id: f.subnetId, ip_address: f.ip })),
      security_groups: p.securityGroups,
      port_security_enabled: true,
    }),
  };
}

/** `/v2.0/<collection>` and `/v2.0/<collection>/<id>`. */
const PATH = /^\/v2\.0\/(networks|subnets|security-groups|security-group-rules|ports)(?:\/([^/]+))?$/;

export function neutronRoute(ctx: ServiceContext): Out {
  const neutron = ctx.project.neutron(ctx.region);
  const json = render(neutron, ctx.project.id);
  const m = PATH.exec(ctx.rest);
  if (!m) throw new NeutronError(404, 'HTTPNotFound', 'The resource could not be found.');
  const [, collection, raw] = m;
  const id = raw === undefined ? undefined : decodeURIComponent(raw);
  const base = `${ctx.origin}/v2.0/${collection}`;
  const key = `${collection}_${ctx.method}${id === undefined ? '' : '_one'}`;
  switch (key.replace(/-/g, '_')) {
    case 'networks_GET':
      return page(ctx, 'networks', base, [...neutron.networks.values()], json.network);
    case 'networks_POST':
      return ok({ network: json.network(neutron.createNetwork(ctx.body)) }, 201);
    case 'networks_GET_one':
      return ok({ network: json.network(neutron.network(id!)) });
    case 'networks_DELETE_one':
      neutron.deleteNetwork(id!);
      return gone();
    case 'subnets_GET':
      return page(ctx, 'subnets', base, [...neutron.subnets.values()], json.subnet);
    case 'subnets_POST':
      return ok({ subnet: json.subnet(neutron.createSubnet(ctx.body)) }, 201);
    case 'subnets_GET_one':
      return ok({ subnet: json.subnet(neutron.subnet(id!)) });
    case 'subnets_DELETE_one':
      neutron.deleteSubnet(id!);
      return gone();
    case 'security_groups_GET':
      return page(ctx, 'security_groups', base, [...neutron.securityGroups.values()], json.group);
    case 'security_groups_GET_one':
      return ok({ security_group: json.group(neutron.securityGroup(id!)) });
    case 'security_group_rules_GET':
      return page(ctx, 'security_group_rules', base, neutron.rules(), json.rule);
    case 'security_group_rules_POST': {
      const body = ctx.body as { security_group_rule?: unknown } | undefined;
      return ok({ security_group_rule: json.rule(neutron.addRule(body?.security_group_rule)) }, 201);
    }
    case 'security_group_rules_DELETE_one':
      neutron.deleteRule(id!);
      return gone();
    case 'ports_GET':
      return page(ctx, 'ports', base, neutron.ports(), json.port);
    case 'ports_GET_one':
      return ok({ port: json.port(neutron.port(id!)) });
    case 'ports_PUT_one':
      return ok({ port: json.port(neutron.updatePort(id!, ctx.body)) });
    default:
      throw new NeutronError(405, 'HTTPMethodNotAllowed', 'The method is not allowed for this resource.');
  }
}
