import { useLocation } from 'react-router-dom';
import { EmptyState } from '../ui/EmptyState';
import { CompassIcon } from '../ui/icons';
import { Page } from '../ui/Page';

export function NotFoundPage() {
  const { pathname } = useLocation();
  return (
    <Page title="Page not found">
      <EmptyState
        icon={<CompassIcon />}
        title="Nothing here"
        link={{ to: '/', label: 'Go to the dashboard' }}
      >
        <p>
          There is no page at <code>{pathname}</code>. The link may be mistyped, or the page may have moved.
        </p>
      </EmptyState>
    </Page>
  );
}
