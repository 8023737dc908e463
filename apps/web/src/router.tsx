import type { QueryClient } from '@tanstack/react-query';
import { createBrowserRouter } from 'react-router-dom';
import { machineListQuery } from './api/machines';
import { LoginPage } from './auth/LoginPage';
import { RequireSession } from './auth/RequireSession';
import { RootRouteError } from './errors/RootRouteError';
import { RouteError } from './errors/RouteError';
import { filtersFromParams } from './machines/filters';
import { pageLoaders } from './pageLoaders';
import { NotFoundPage } from './pages/NotFoundPage';
import { AppShell } from './shell/AppShell';
import { FullPageStatus } from './ui/FullPageStatus';

function Loading() {
  return <FullPageStatus title="Loading Overcast…" loading />;
}

/**
 * Asks for the first rows of the Machines page while its code is still loading, so the two
 * happen side by side. Never waits: the page itself shows loading and errors.
 */
function prefetchMachines(queryClient: QueryClient) {
  return ({ request }: { request: Request }) => {
    void queryClient.prefetchInfiniteQuery(
      machineListQuery(filtersFromParams(new URL(request.url).searchParams)),
    );
    return null;
  };
}

export function createRouter(queryClient: QueryClient) {
  return createBrowserRouter([
    { path: '/login', element: <LoginPage />, errorElement: <RootRouteError /> },
    {
      path: '/invite',
      lazy: () => pageLoaders.invite().then((m) => ({ Component: m.InvitePage })),
      errorElement: <RootRouteError />,
      // Opened straight from an emailed link, its code loads first: without this, React Router warns.
      HydrateFallback: Loading,
    },
    {
      element: (
        <RequireSession>
          <AppShell />
        </RequireSession>
      ),
      errorElement: <RootRouteError />,
      HydrateFallback: Loading,
      children: [
        {
          // A failing page is replaced inside the shell, so the navigation stays usable.
          errorElement: <RouteError />,
          children: [
            {
              index: true,
              lazy: () => pageLoaders.dashboard().then((m) => ({ Component: m.DashboardPage })),
            },
            { path: 'clouds', lazy: () => pageLoaders.clouds().then((m) => ({ Component: m.CloudsPage })) },
            {
              path: 'machines',
              loader: prefetchMachines(queryClient),
              // Filter changes are the page's own business, not a reason to load again.
              shouldRevalidate: () => false,
              lazy: () => pageLoaders.machines().then((m) => ({ Component: m.MachinesPage })),
            },
            {
              path: 'machines/new',
              lazy: () => pageLoaders.createMachine().then((m) => ({ Component: m.CreateMachinePage })),
            },
            {
              path: 'machines/:id',
              lazy: () => pageLoaders.machineDetail().then((m) => ({ Component: m.MachineDetailPage })),
            },
            {
              path: 'volumes',
              lazy: () => pageLoaders.volumes().then((m) => ({ Component: m.VolumesPage })),
            },
            { path: 'dns', lazy: () => pageLoaders.dns().then((m) => ({ Component: m.DnsPage })) },
            {
              path: 'dns/:cloudId/:zoneId',
              lazy: () => pageLoaders.dnsZone().then((m) => ({ Component: m.ZonePage })),
            },
            {
              path: 'networks',
              lazy: () => pageLoaders.networks().then((m) => ({ Component: m.NetworksPage })),
            },
            {
              path: 'firewalls',
              lazy: () => pageLoaders.firewalls().then((m) => ({ Component: m.FirewallsPage })),
            },
            { path: 'keys', lazy: () => pageLoaders.keys().then((m) => ({ Component: m.KeysPage })) },
            {
              path: 'machines/:id/terminal',
              lazy: () => pageLoaders.terminal().then((m) => ({ Component: m.TerminalPage })),
            },
            {
              path: 'machines/:id/console',
              lazy: () => pageLoaders.console().then((m) => ({ Component: m.ConsolePage })),
            },
            {
              path: 'machines/:id/recordings/:sessionId',
              lazy: () => pageLoaders.replay().then((m) => ({ Component: m.ReplayPage })),
            },
            {
              path: 'scripts',
              lazy: () => pageLoaders.scripts().then((m) => ({ Component: m.ScriptsPage })),
            },
            {
              path: 'schedules',
              lazy: () => pageLoaders.schedules().then((m) => ({ Component: m.SchedulesPage })),
            },
            {
              path: 'catalog',
              lazy: () => pageLoaders.catalog().then((m) => ({ Component: m.CatalogPage })),
            },
            {
              path: 'templates',
              lazy: () => pageLoaders.templates().then((m) => ({ Component: m.TemplatesPage })),
            },
            {
              path: 'templates/new',
              lazy: () => pageLoaders.template().then((m) => ({ Component: m.NewTemplatePage })),
            },
            {
              path: 'templates/:id',
              lazy: () => pageLoaders.template().then((m) => ({ Component: m.TemplatePage })),
            },
            {
              path: 'stacks',
              lazy: () => pageLoaders.stacks().then((m) => ({ Component: m.StacksPage })),
            },
            {
              path: 'stacks/:id',
              lazy: () => pageLoaders.stack().then((m) => ({ Component: m.StackPage })),
            },
            {
              path: 'deploy-requests',
              lazy: () => pageLoaders.deployRequests().then((m) => ({ Component: m.DeployRequestsPage })),
            },
            { path: 'rules', lazy: () => pageLoaders.rules().then((m) => ({ Component: m.RulesPage })) },
            {
              path: 'incidents',
              lazy: () => pageLoaders.incidents().then((m) => ({ Component: m.IncidentsPage })),
            },
            {
              path: 'incidents/:id',
              lazy: () => pageLoaders.incidents().then((m) => ({ Component: m.IncidentPage })),
            },
            {
              // A chat message's Acknowledge / Reboot / Stop button; logging in first comes back here.
              path: 'act/:token',
              lazy: () => pageLoaders.act().then((m) => ({ Component: m.ActPage })),
            },
            {
              path: 'cost',
              lazy: () => pageLoaders.cost().then((m) => ({ Component: m.CostPage })),
            },
            {
              path: 'monitoring',
              lazy: () => pageLoaders.monitoring().then((m) => ({ Component: m.FleetPage })),
            },
            {
              path: 'activity',
              lazy: () => pageLoaders.activity().then((m) => ({ Component: m.ActivityPage })),
            },
            { path: 'team', lazy: () => pageLoaders.team().then((m) => ({ Component: m.TeamPage })) },
            {
              path: 'account',
              lazy: () => pageLoaders.account().then((m) => ({ Component: m.AccountPage })),
            },
            { path: '*', element: <NotFoundPage /> },
          ],
        },
      ],
    },
  ]);
}
