import { useRouteError } from 'react-router-dom';
import { AppCrash } from './AppCrash';

/** Error element for routes outside the shell (or the shell itself failing). */
export function RootRouteError() {
  return <AppCrash error={useRouteError()} />;
}
