import { useLocation } from 'react-router-dom';
import { ButtonLink } from '../ui/Button';
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
        actions={
          <ButtonLink to="/" variant="primary">
            Go to the dashboard
          </ButtonLink>
        }
      >
        <p>
          There is no page at <code>{pathname}</code>. The link may be mistyped, or the page may have moved.
        </p>
      </EmptyState>
    </Page>
  );
}
