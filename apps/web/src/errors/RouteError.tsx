import { isRouteErrorResponse, useRouteError } from 'react-router-dom';
import { NotFoundPage } from '../pages/NotFoundPage';
import { PageCrash } from './PageCrash';

/** The router's error element: 404 responses get the not-found page, anything else the crash view. */
export function RouteError() {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && error.status === 404) return <NotFoundPage />;
  return <PageCrash error={error} />;
}
