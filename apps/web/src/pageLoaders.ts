// The pages that carry real weight, each in its own chunk so the first page stays small.
// Navigation links warm these on hover or focus, so moving around never waits.

export const pageLoaders = {
  dashboard: () => import('./dashboard/DashboardPage'),
  clouds: () => import('./clouds/CloudsPage'),
  machines: () => import('./machines/MachinesPage'),
  machineDetail: () => import('./machines/MachineDetailPage'),
  createMachine: () => import('./machines/CreateMachinePage'),
  volumes: () => import('./volumes/VolumesPage'),
  dns: () => import('./dns/DnsPage'),
  dnsZone: () => import('./dns/ZonePage'),
  networks: () => import('./networks/NetworksPage'),
  firewalls: () => import('./networks/FirewallsPage'),
  keys: () => import('./keys/KeysPage'),
  terminal: () => import('./terminal/TerminalPage'),
  console: () => import('./console/ConsolePage'),
  replay: () => import('./terminal/ReplayPage'),
  activity: () => import('./activity/ActivityPage'),
  team: () => import('./team/TeamPage'),
  account: () => import('./account/AccountPage'),
  invite: () => import('./auth/InvitePage'),
  rules: () => import('./rules/RulesPage'),
  incidents: () => import('./rules/IncidentsPage'),
  act: () => import('./act/ActPage'),
  monitoring: () => import('./monitoring/FleetPage'),
  cost: () => import('./cost/CostPage'),
  scripts: () => import('./automation/ScriptsPage'),
  schedules: () => import('./automation/SchedulesPage'),
  catalog: () => import('./stacks/CatalogPage'),
  templates: () => import('./templates/TemplatesPage'),
  template: () => import('./templates/TemplatePage'),
  stacks: () => import('./stacks/StacksPage'),
  stack: () => import('./stacks/StackPage'),
  deployRequests: () => import('./stacks/DeployRequestsPage'),
};

const byPath: Record<string, () => Promise<unknown>> = {
  '/': pageLoaders.dashboard,
  '/clouds': pageLoaders.clouds,
  '/machines': pageLoaders.machines,
  '/volumes': pageLoaders.volumes,
  '/dns': pageLoaders.dns,
  '/networks': pageLoaders.networks,
  '/firewalls': pageLoaders.firewalls,
  '/keys': pageLoaders.keys,
  '/activity': pageLoaders.activity,
  '/team': pageLoaders.team,
  '/rules': pageLoaders.rules,
  '/incidents': pageLoaders.incidents,
  '/monitoring': pageLoaders.monitoring,
  '/cost': pageLoaders.cost,
  '/scripts': pageLoaders.scripts,
  '/schedules': pageLoaders.schedules,
  '/catalog': pageLoaders.catalog,
  '/templates': pageLoaders.templates,
  '/stacks': pageLoaders.stacks,
  '/deploy-requests': pageLoaders.deployRequests,
};

/** Starts loading the code of the page at `path` (harmless when already loaded). */
export function preloadPage(path: string): void {
  void byPath[path]?.().catch(() => {
    // A failed preload is retried by the navigation itself, which reports the error.
  });
}
