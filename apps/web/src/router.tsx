import { createBrowserRouter } from 'react-router-dom';
import { LoginPage } from './auth/LoginPage';
import { RequireSession } from './auth/RequireSession';
import { RootRouteError } from './errors/RootRouteError';
import { RouteError } from './errors/RouteError';
import { ActivityPage } from './pages/ActivityPage';
import { CloudsPage } from './pages/CloudsPage';
import { DashboardPage } from './pages/DashboardPage';
import { KeysPage } from './pages/KeysPage';
import { MachinesPage } from './pages/MachinesPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { RulesPage } from './pages/RulesPage';
import { SchedulesPage } from './pages/SchedulesPage';
import { ScriptsPage } from './pages/ScriptsPage';
import { TeamPage } from './pages/TeamPage';
import { VolumesPage } from './pages/VolumesPage';
import { AppShell } from './shell/AppShell';

export function createRouter() {
  return createBrowserRouter([
    { path: '/login', element: <LoginPage />, errorElement: <RootRouteError /> },
    {
      element: (
        <RequireSession>
          <AppShell />
        </RequireSession>
      ),
      errorElement: <RootRouteError />,
      children: [
        {
          // A failing page is replaced inside the shell, so the navigation stays usable.
          errorElement: <RouteError />,
          children: [
            { index: true, element: <DashboardPage /> },
            { path: 'clouds', element: <CloudsPage /> },
            { path: 'machines', element: <MachinesPage /> },
            { path: 'volumes', element: <VolumesPage /> },
            { path: 'keys', element: <KeysPage /> },
            { path: 'scripts', element: <ScriptsPage /> },
            { path: 'schedules', element: <SchedulesPage /> },
            { path: 'rules', element: <RulesPage /> },
            { path: 'activity', element: <ActivityPage /> },
            { path: 'team', element: <TeamPage /> },
            { path: '*', element: <NotFoundPage /> },
          ],
        },
      ],
    },
  ]);
}
