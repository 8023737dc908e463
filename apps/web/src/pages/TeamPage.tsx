import { useSession } from '../auth/SessionContext';
import { roleLabel } from '../shell/roleLabel';
import { EmptyState } from '../ui/EmptyState';
import { UsersIcon } from '../ui/icons';
import { Page } from '../ui/Page';

export function TeamPage() {
  const { organization, role } = useSession();
  return (
    <Page title="Team">
      <EmptyState icon={<UsersIcon />} title={`Members of ${organization.name}`}>
        <p>
          You are signed in with the {roleLabel(role)} role. Everyone in the organization will be listed here,
          with the role that sets what each person can see and change.
        </p>
      </EmptyState>
    </Page>
  );
}
