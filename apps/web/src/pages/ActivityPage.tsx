import { EmptyState } from '../ui/EmptyState';
import { ActivityIcon } from '../ui/icons';
import { Page } from '../ui/Page';

export function ActivityPage() {
  return (
    <Page title="Activity">
      <EmptyState icon={<ActivityIcon />} title="No activity yet">
        <p>
          Every change made through Overcast, by a teammate, a schedule or a rule, is recorded here: who did
          what, to which resource, and when.
        </p>
      </EmptyState>
    </Page>
  );
}
