import type {
  AddFirewallRuleRequest,
  AddFirewallRuleResult,
  CreateFirewallRequest,
  CreateNetworkRequest,
  CreateSubnetRequest,
  Firewall,
  FirewallDriver,
  FirewallRule,
  FirewallRuleInput,
  NetworkDetail,
  NetworkDriver,
  ProviderDriver,
} from '@overcast/contracts';
import { parseCidr, parseIp } from '@overcast/contracts/addresses';
import type { Cloud } from '@overcast/db';
import { type OrgActor, recordAudit } from '../audit';
import { firewallDriverOf, networkDriverOf } from '../clouds';
import { featuresOf } from '../clouds/modules';
import { DomainError, fromProviderError } from '../errors';
import { listNetworkInventory, syncNetworks } from '../inventory';
import { repos } from '../repositories';
import type { ActionRuntime } from '../runtime';
import { exposureWarnings } from './exposure';
import { getFirewall, getNetwork } from './read';

// Changes to networks, subnets and firewall rules: checked here, made through the cloud's
// driver, audited either way, and the cloud's networks listed again at once so the answer and
// the next page load show the change without waiting for the poll.

const invalid = (field: string, message: string) =>
  new DomainError('invalid', 'validation_failed', message, field);

/** A CIDR whose address is the range's first (10.0.0.0/8, not 10.1.2.3/8); `field` names it in the 400. */
export function checkCidr(text: string, field: string): string {
  const cidr = parseCidr(text);
  if (!cidr || !text.includes('/')) {
    throw invalid(field, `${text} is not an address range; write it like 10.0.0.0/16 or ::/0.`);
  }
  const ip = parseIp(text.split('/')[0]!);
  if (!ip || ip.value !== cidr.base) {
    throw invalid(field, `${text} has bits set after the prefix; the range starts at a lower address.`);
  }
  return text.trim().toLowerCase();
}

/** A rule as the API takes it, checked and filled in: tcp/udp with ports, icmp and all without. */
export function normalizeRule(input: FirewallRuleInput, field = 'body.rule'): FirewallRule {
  const ported = input.protocol === 'tcp' || input.protocol === 'udp';
  const fromPort = input.fromPort ?? null;
  const toPort = input.toPort ?? fromPort;
  if (ported) {
    if (fromPort === null)
      throw invalid(`${field}.fromPort`, `A ${input.protocol} rule needs a port (0-65535).`);
    if (toPort === null || toPort < fromPort) {
      throw invalid(`${field}.toPort`, `The last port (${toPort}) comes before the first (${fromPort}).`);
    }
  } else if (fromPort !== null || (input.toPort ?? null) !== null) {
    throw invalid(`${field}.fromPort`, `A ${input.protocol} rule takes no ports; leave them out.`);
  }
  const cidrs = [...new Set(input.cidrs.map((c, i) => checkCidr(c, `${field}.cidrs.${i}`)))];
  return {
    direction: input.direction,
    protocol: input.protocol,
    fromPort: ported ? fromPort : null,
    toPort: ported ? toPort : null,
    cidrs,
  };
}

/** Lists the cloud's networks again and stores them, so a change is seen at once. */
async function resync(
  runtime: ActionRuntime,
  cloud: Cloud,
  driver: ProviderDriver & NetworkDriver,
): Promise<void> {
  const signal = AbortSignal.timeout(runtime.settings.poll.timeoutSeconds * 1000);
  await syncNetworks(
    runtime.db,
    { cloudId: cloud.id, organizationId: cloud.organizationId },
    await listNetworkInventory(driver, signal),
  );
}

interface Change<D, T> {
  action: string;
  resourceKind: 'network' | 'firewall';
  resourceId: string;
  doing: string;
  details: Record<string, unknown>;
  /** The cloud's driver with the part the change needs; a cloud without it is a 400. */
  driverOf: (runtime: ActionRuntime, cloud: Cloud) => Promise<D>;
  run: (driver: D) => Promise<T>;
}

async function change<D extends ProviderDriver & NetworkDriver, T>(
  runtime: ActionRuntime,
  actor: OrgActor,
  cloud: Cloud,
  c: Change<D, T>,
): Promise<T> {
  const driver = await c.driverOf(runtime, cloud);
  const audit = {
    action: c.action,
    resourceKind: c.resourceKind,
    resourceId: c.resourceId,
    details: c.details,
  };
  let result: T;
  try {
    result = await c.run(driver);
  } catch (err) {
    const failure = fromProviderError(cloud.provider, err, c.doing);
    await recordAudit(runtime.db, actor, {
      ...audit,
      result: 'failure',
      details: { ...c.details, error: failure.message },
    });
    throw failure;
  }
  await recordAudit(runtime.db, actor, audit);
  try {
    await resync(runtime, cloud, driver);
  } catch {
    // The change was made; the next networks poll stores it if this listing failed.
  }
  return result;
}

export async function addFirewallRule(
  runtime: ActionRuntime,
  actor: OrgActor,
  firewallId: string,
  req: AddFirewallRuleRequest,
): Promise<AddFirewallRuleResult> {
  const firewall = await repos(runtime.db).firewalls.getInOrg(actor.organizationId, firewallId);
  const rule = normalizeRule(req.rule);
  const warnings = exposureWarnings(rule);
  if (warnings.length > 0 && req.acknowledgeExposure !== true) {
    throw new DomainError(
      'conflict',
      'exposure_not_acknowledged',
      `${warnings.join(' ')} Send it again with acknowledgeExposure if that is what you want.`,
      'body.rule.cidrs',
    );
  }
  const cloud = await repos(runtime.db).clouds.getInOrg(actor.organizationId, firewall.cloudId);
  await change(runtime, actor, cloud, {
    action: 'firewall.rule.add',
    resourceKind: 'firewall',
    resourceId: firewall.id,
    doing: `adding a rule to ${firewall.name}`,
    details: { firewall: firewall.name, rule, ...(warnings.length ? { exposure: warnings } : {}) },
    driverOf: firewallDriverOf,
    run: (driver) => driver.addFirewallRule(firewall.externalId, rule),
  });
  return { firewall: await getFirewall(runtime.db, actor.organizationId, firewall.id), warnings };
}

export async function removeFirewallRule(
  runtime: ActionRuntime,
  actor: OrgActor,
  firewallId: string,
  input: FirewallRuleInput,
): Promise<Firewall> {
  const firewall = await repos(runtime.db).firewalls.getInOrg(actor.organizationId, firewallId);
  const rule = normalizeRule(input);
  const cloud = await repos(runtime.db).clouds.getInOrg(actor.organizationId, firewall.cloudId);
  await change(runtime, actor, cloud, {
    action: 'firewall.rule.remove',
    resourceKind: 'firewall',
    resourceId: firewall.id,
    doing: `removing a rule from ${firewall.name}`,
    details: { firewall: firewall.name, rule },
    driverOf: firewallDriverOf,
    run: (driver) => driver.removeFirewallRule(firewall.externalId, rule),
  });
  return getFirewall(runtime.db, actor.organizationId, firewall.id);
}

/** Refuses before anything is sent when the cloud's networks are only listed (vCenter's portgroups). */
function requireNetworkChanges(cloud: Cloud): void {
  if (featuresOf(cloud.provider).readOnlyNetworks)
    throw new DomainError(
      'invalid',
      'networks_read_only',
      `${cloud.title}'s networks are listed only: make or remove them in the provider's own console (vSphere Client), and the next poll shows the change.`,
    );
}

/** What was made but is missing from the listing right after it. */
const notListedYet = (what: string, externalId: string) =>
  new DomainError(
    'provider_failed',
    'provider_failed',
    `The ${what} ${externalId} was created but is not listed yet; it appears after the next poll.`,
  );

/** The driver's firewall making; a provider whose firewalls come with its networks has none. */
function firewallMaking(cloud: Cloud, driver: FirewallDriver) {
  const { createFirewall, deleteFirewall } = driver;
  if (!createFirewall || !deleteFirewall)
    throw new DomainError(
      'invalid',
      'firewall_create_unsupported',
      `${cloud.title}'s firewalls are made with its networks or machines; add rules to one listed instead.`,
    );
  return { create: createFirewall.bind(driver), delete: deleteFirewall.bind(driver) };
}

/** A firewall for machines of one cloud (a NetworkPolicy selecting KubeVirt VMs), letting nothing in until rules are added. */
export async function createFirewall(
  runtime: ActionRuntime,
  actor: OrgActor,
  req: CreateFirewallRequest,
): Promise<Firewall> {
  const cloud = await repos(runtime.db).clouds.getInOrg(actor.organizationId, req.cloudId);
  const ids = [...new Set(req.machineIds)];
  const machines = await runtime.db.prisma.machine.findMany({
    where: { id: { in: ids }, organizationId: actor.organizationId, cloudId: cloud.id },
    select: { externalId: true },
  });
  if (machines.length !== ids.length)
    throw new DomainError(
      'not_found',
      'machine_not_found',
      `Some of those machines are not in ${cloud.title}.`,
      'body.machineIds',
    );
  const made = await change(runtime, actor, cloud, {
    action: 'firewall.create',
    resourceKind: 'firewall',
    resourceId: cloud.id,
    doing: `creating the firewall ${req.name}`,
    details: { name: req.name, machines: machines.map((m) => m.externalId) },
    driverOf: firewallDriverOf,
    run: (driver) =>
      firewallMaking(cloud, driver).create({ name: req.name, machineIds: machines.map((m) => m.externalId) }),
  });
  const row = await runtime.db.prisma.firewall.findUnique({
    where: { cloudId_externalId: { cloudId: cloud.id, externalId: made.externalId } },
  });
  if (!row) throw notListedYet('firewall', made.externalId);
  return getFirewall(runtime.db, actor.organizationId, row.id);
}

export async function deleteFirewall(runtime: ActionRuntime, actor: OrgActor, id: string): Promise<void> {
  const firewall = await repos(runtime.db).firewalls.getInOrg(actor.organizationId, id);
  const cloud = await repos(runtime.db).clouds.getInOrg(actor.organizationId, firewall.cloudId);
  await change(runtime, actor, cloud, {
    action: 'firewall.delete',
    resourceKind: 'firewall',
    resourceId: firewall.id,
    doing: `deleting the firewall ${firewall.name}`,
    details: { name: firewall.name },
    driverOf: firewallDriverOf,
    run: (driver) => firewallMaking(cloud, driver).delete(firewall.externalId),
  });
}

export async function createNetwork(
  runtime: ActionRuntime,
  actor: OrgActor,
  req: CreateNetworkRequest,
): Promise<NetworkDetail> {
  const cidr = checkCidr(req.cidr, 'body.cidr');
  const cloud = await repos(runtime.db).clouds.getInOrg(actor.organizationId, req.cloudId);
  requireNetworkChanges(cloud);
  const created = await change(runtime, actor, cloud, {
    action: 'network.create',
    resourceKind: 'network',
    resourceId: cloud.id,
    doing: `creating the network ${req.name}`,
    details: { name: req.name, cidr, region: req.region ?? null },
    driverOf: networkDriverOf,
    run: (driver) => driver.createNetwork({ name: req.name, cidr, region: req.region ?? null }),
  });
  const row = await runtime.db.prisma.network.findUnique({
    where: { cloudId_externalId: { cloudId: cloud.id, externalId: created.externalId } },
  });
  if (!row) throw notListedYet('network', created.externalId);
  return getNetwork(runtime.db, actor.organizationId, row.id);
}

export async function deleteNetwork(runtime: ActionRuntime, actor: OrgActor, id: string): Promise<void> {
  const network = await repos(runtime.db).networks.getInOrg(actor.organizationId, id);
  if (network.isDefault) {
    throw new DomainError(
      'conflict',
      'default_network',
      `${network.name} is the cloud's default network; Overcast does not delete it.`,
    );
  }
  const cloud = await repos(runtime.db).clouds.getInOrg(actor.organizationId, network.cloudId);
  requireNetworkChanges(cloud);
  await change(runtime, actor, cloud, {
    action: 'network.delete',
    resourceKind: 'network',
    resourceId: network.id,
    doing: `deleting the network ${network.name}`,
    details: { name: network.name, cidr: network.cidr },
    driverOf: networkDriverOf,
    run: (driver) => driver.deleteNetwork(network.externalId),
  });
}

const noSubnets = (cloud: Cloud) =>
  new DomainError(
    'invalid',
    'subnets_unsupported',
    `${cloud.title}'s networks have no subnets; machines take addresses from the network itself.`,
  );

/** Refuses before anything is sent when the cloud's provider has no subnets. */
function requireSubnets(cloud: Cloud): void {
  if (!featuresOf(cloud.provider).subnets) throw noSubnets(cloud);
}

/** The driver's subnet methods; a driver without them is a provider without subnets. */
function subnetsOf(cloud: Cloud, driver: NetworkDriver) {
  const { createSubnet, deleteSubnet } = driver;
  if (!createSubnet || !deleteSubnet) throw noSubnets(cloud);
  return { create: createSubnet.bind(driver), delete: deleteSubnet.bind(driver) };
}

export async function createSubnet(
  runtime: ActionRuntime,
  actor: OrgActor,
  networkId: string,
  req: CreateSubnetRequest,
): Promise<NetworkDetail> {
  const network = await repos(runtime.db).networks.getInOrg(actor.organizationId, networkId);
  const cidr = checkCidr(req.cidr, 'body.cidr');
  const cloud = await repos(runtime.db).clouds.getInOrg(actor.organizationId, network.cloudId);
  requireSubnets(cloud);
  await change(runtime, actor, cloud, {
    action: 'subnet.create',
    resourceKind: 'network',
    resourceId: network.id,
    doing: `creating the subnet ${req.name}`,
    details: { network: network.name, name: req.name, cidr, location: req.location ?? null },
    driverOf: networkDriverOf,
    run: (driver) =>
      subnetsOf(cloud, driver).create({
        networkId: network.externalId,
        name: req.name,
        cidr,
        location: req.location ?? null,
      }),
  });
  return getNetwork(runtime.db, actor.organizationId, network.id);
}

export async function deleteSubnet(
  runtime: ActionRuntime,
  actor: OrgActor,
  networkId: string,
  subnetId: string,
): Promise<void> {
  const network = await repos(runtime.db).networks.getInOrg(actor.organizationId, networkId);
  const subnet = await repos(runtime.db).subnets.getInOrg(actor.organizationId, subnetId);
  if (subnet.cloudId !== network.cloudId || subnet.networkExternalId !== network.externalId) {
    throw new DomainError('not_found', 'subnet_not_found', `Subnet was not found in ${network.name}.`);
  }
  const cloud = await repos(runtime.db).clouds.getInOrg(actor.organizationId, network.cloudId);
  requireSubnets(cloud);
  await change(runtime, actor, cloud, {
    action: 'subnet.delete',
    resourceKind: 'network',
    resourceId: network.id,
    doing: `deleting the subnet ${subnet.name}`,
    details: { network: network.name, name: subnet.name, cidr: subnet.cidr },
    driverOf: networkDriverOf,
    run: (driver) => subnetsOf(cloud, driver).delete(subnet.externalId),
  });
}
