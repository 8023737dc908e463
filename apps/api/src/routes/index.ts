import {
  Cloud,
  DnsRecord,
  DnsZone,
  EngineFacts,
  Firewall,
  FirewallRuleSchema,
  Incident,
  Machine,
  Network,
  NotificationChannel,
  ProviderInfo,
  Rule,
  ShellSession,
  SshKey,
  Subnet,
  Team,
  Volume,
} from '@overcast/contracts';
import type { ApiContext, App, RoutePlugin } from '../context';
import { actionLinkRoutes } from './action-links';
import { auditRoutes } from './audit';
import { authRoutes } from './auth';
import { catalogRoutes } from './catalog';
import { cloudRoutes } from './clouds';
import { costReportRoutes } from './cost-report';
import { costRoutes } from './costs';
import { deployRequestRoutes } from './deploy-requests';
import { firewallRoutes } from './firewalls';
import { incidentRoutes } from './incidents';
import { invitationRoutes } from './invitations';
import { limitRoutes } from './limits';
import { machineRoutes } from './machines';
import { meRoutes } from './me';
import { memberRoutes } from './members';
import { monitoringRoutes } from './monitoring';
import { mount } from './mount';
import { networkRoutes } from './networks';
import { notificationChannelRoutes } from './notification-channels';
import { organizationRoutes } from './organizations';
import { providerRoutes } from './providers';
import { ruleRoutes } from './rules';
import { scheduleRoutes } from './schedules';
import { scriptRunRoutes } from './script-runs';
import { scriptRoutes } from './scripts';
import { shellSessionRoutes } from './shell-sessions';
import { sshKeyRoutes } from './ssh-keys';
import { stackRoutes } from './stacks';
import { streamRoutes } from './stream';
import { teamRoutes } from './teams';
import { templateRoutes } from './templates';
import { volumeRoutes } from './volumes';

/** Resources, by the path they sit under; the second name is their OpenAPI tag. */
const RESOURCES: [prefix: string, tag: string, plugin: RoutePlugin][] = [
  ['/auth', 'auth', authRoutes],
  ['/me', 'account', meRoutes],
  ['/audit', 'audit', auditRoutes],
  ['/organizations', 'organizations', organizationRoutes],
  ['/members', 'organizations', memberRoutes],
  ['/invitations', 'organizations', invitationRoutes],
  ['/teams', 'teams', teamRoutes],
  ['/providers', 'clouds', providerRoutes],
  ['/limits', 'teams', limitRoutes],
  ['/clouds', 'clouds', cloudRoutes],
  ['/machines', 'machines', machineRoutes],
  ['/shell-sessions', 'terminal', shellSessionRoutes],
  ['/volumes', 'volumes', volumeRoutes],
  ['/networks', 'networks', networkRoutes],
  ['/firewalls', 'networks', firewallRoutes],
  ['/costs', 'costs', costRoutes],
  ['/cost', 'costs', costReportRoutes],
  ['/ssh-keys', 'ssh keys', sshKeyRoutes],
  ['/monitoring', 'monitoring', monitoringRoutes],
  ['/rules', 'rules', ruleRoutes],
  ['/incidents', 'rules', incidentRoutes],
  ['/notification-channels', 'notifications', notificationChannelRoutes],
  ['/action-links', 'notifications', actionLinkRoutes],
  ['/scripts', 'scripts', scriptRoutes],
  ['/script-runs', 'scripts', scriptRunRoutes],
  ['/schedules', 'schedules', scheduleRoutes],
  ['/templates', 'stacks', templateRoutes],
  ['/stacks', 'stacks', stackRoutes],
  ['/catalog', 'stacks', catalogRoutes],
  ['/deploy-requests', 'stacks', deployRequestRoutes],
  ['/stream', 'events', streamRoutes],
];

/** Every /api/v1 route, in one place. */
export function apiRoutes(app: App, ctx: ApiContext): void {
  // Shared by several resources' routes and the OpenAPI document, so known at the root.
  for (const schema of [
    Cloud,
    ProviderInfo,
    Machine,
    Volume,
    FirewallRuleSchema,
    Firewall,
    Network,
    Subnet,
    SshKey,
    Rule,
    Incident,
    NotificationChannel,
    ShellSession,
    Team,
  ])
    app.addSchema(schema);
  app.addSchema({ ...EngineFacts, $id: 'EngineFacts' });
  app.addSchema(DnsZone);
  app.addSchema(DnsRecord);
  app.register(
    async (api) => {
      for (const [prefix, tag, plugin] of RESOURCES) mount(api as unknown as App, ctx, prefix, tag, plugin);
    },
    { prefix: '/api/v1' },
  );
}
