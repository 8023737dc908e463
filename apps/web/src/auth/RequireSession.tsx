import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import { FullPageStatus } from '../ui/FullPageStatus';
import { loginUrl } from './redirect';
import { SessionContext } from './SessionContext';
import { useSessionState } from './session';

/** Renders its children only with a signed-in session; otherwise sends the user to log in. */
export function RequireSession({ children }: { children: ReactNode }) {
  const location = useLocation();
  const { data, error, refetch, isFetching } = useSessionState();

  if (data?.status === 'signed-in') {
    return <SessionContext value={data.session}>{children}</SessionContext>;
  }
  if (data?.status === 'signed-out') {
    const here = location.pathname + location.search + location.hash;
    return <Navigate to={loginUrl(data.reason === 'logged-out' ? undefined : here)} replace />;
  }
  if (error) {
    return (
      <FullPageStatus
        title="Can't reach the Overcast server"
        message="The server didn't answer. Check that it is running and your connection is up, then try again."
        action={{
          label: isFetching ? 'Trying again…' : 'Try again',
          onClick: () => refetch(),
          busy: isFetching,
        }}
      />
    );
  }
  return <FullPageStatus title="Loading Overcast…" loading />;
}
