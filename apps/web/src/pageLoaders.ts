// The pages that carry real weight, each in its own chunk so the first page stays small.
// Navigation links warm these on hover or focus, so moving around never waits.

export const pageLoaders = {
  dashboard: () => import('./dashboard/DashboardPage'),
  clouds: () => import('./clouds/CloudsPage'),
  machines: () => import('./machines/MachinesPage'),
  machineDetail: () => import('./machines/MachineDetailPage'),
  createMachine: () => import('./machines/CreateMachinePage'),
  volumes: () => import('./volumes/VolumesPage'),
  keys: () => import('./keys/KeysPage'),
  terminal: () => import('./terminal/TerminalPage'),
  replay: () => import('./terminal/ReplayPage'),
  activity: () => import('./activity/ActivityPage'),
  team: () => import('./team/TeamPage'),
  account: () => import('./account/AccountPage'),
  invite: () => import('./auth/InvitePage'),
  rules: () => import('./rules/RulesPage'),
  incidents: () => import('./rules/IncidentsPage'),
  act: () => import('./act/ActPage'),
  monitoring: () => import('./monitoring/FleetPage'),
  scripts: () => import('./automation/ScriptsPage'),
  schedules: () => import('./automation/SchedulesPage'),
};

const byPath: Record<string, () => Promise<unknown>> = {
  '/': pageLoaders.dashboard,
  '/clouds': pageLoaders.clouds,
  '/machines': pageLoaders.machines,
  '/volumes': pageLoaders.volumes,
  '/keys': pageLoaders.keys,
  '/activity': pageLoaders.activity,
  '/team': pageLoaders.team,
  '/rules': pageLoaders.rules,
  '/incidents': pageLoaders.incidents,
  '/monitoring': pageLoaders.monitoring,
  '/scripts': pageLoaders.scripts,
  '/schedules': pageLoaders.schedules,
};

/** Starts loading the code of the page at `path` (harmless when already loaded). */
export function preloadPage(path: string): void {
  void byPath[path]?.().catch(() => {
    // A failed preload is retried by the navigation itself, which reports the error.
  });
}
