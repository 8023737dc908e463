import type { PrismaClientInstance } from '../client';
import type {
  CatalogItem,
  Cloud,
  DeployRequest,
  Firewall,
  Machine,
  Network,
  NotificationChannel,
  Rule,
  Schedule,
  Script,
  SshKey,
  Stack,
  Subnet,
  Template,
  Volume,
} from '../generated/prisma/client.ts';
import { governanceRepository } from './governance.repository';
import { type Missing, orgScoped } from './scope';
import { teamsRepository } from './teams.repository';

export type { LimitsColumns } from './governance.repository';
export { isUniqueViolation, type Missing } from './scope';
export { type TeamWithMembers, teamDetail } from './teams.repository';

/**
 * One repository per organization-owned aggregate; every query in them carries the organization
 * filter, so tenant scoping lives here. `missing` makes the error a missing row becomes.
 */
export function createRepositories(prisma: PrismaClientInstance, missing: Missing) {
  return {
    machines: orgScoped<Machine>(prisma.machine, 'Machine', missing),
    clouds: orgScoped<Cloud>(prisma.cloud, 'Cloud', missing),
    sshKeys: orgScoped<SshKey>(prisma.sshKey, 'SSH key', missing),
    scripts: orgScoped<Script>(prisma.script, 'Script', missing),
    schedules: orgScoped<Schedule>(prisma.schedule, 'Schedule', missing),
    rules: orgScoped<Rule>(prisma.rule, 'Rule', missing),
    volumes: orgScoped<Volume>(prisma.volume, 'Volume', missing),
    networks: orgScoped<Network>(prisma.network, 'Network', missing),
    subnets: orgScoped<Subnet>(prisma.subnet, 'Subnet', missing),
    firewalls: orgScoped<Firewall>(prisma.firewall, 'Firewall', missing),
    notificationChannels: orgScoped<NotificationChannel>(
      prisma.notificationChannel,
      'Notification channel',
      missing,
    ),
    teams: teamsRepository(prisma, missing),
    templates: orgScoped<Template>(prisma.template, 'Template', missing),
    stacks: orgScoped<Stack>(prisma.stack, 'Stack', missing),
    governanceLimits: governanceRepository(prisma, missing),
    catalogItems: orgScoped<CatalogItem>(prisma.catalogItem, 'Catalog item', missing),
    deployRequests: orgScoped<DeployRequest>(prisma.deployRequest, 'Deploy request', missing),
  };
}

export type Repositories = ReturnType<typeof createRepositories>;
