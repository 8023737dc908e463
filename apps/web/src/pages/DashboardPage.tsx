import { ButtonLink } from '../ui/Button';
import { EmptyState } from '../ui/EmptyState';
import { DashboardIcon } from '../ui/icons';
import { Page } from '../ui/Page';

export function DashboardPage() {
  return (
    <Page title="Dashboard">
      <EmptyState
        icon={<DashboardIcon />}
        title="Nothing to summarize yet"
        actions={
          <ButtonLink to="/clouds" variant="primary">
            Go to Clouds
          </ButtonLink>
        }
      >
        <p>
          Once a cloud is connected, this page shows how many machines you run, where they run, what state
          they are in and what they cost each month.
        </p>
        <p>Start by adding your first cloud.</p>
      </EmptyState>
    </Page>
  );
}
