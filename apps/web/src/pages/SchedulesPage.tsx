import { EmptyState } from '../ui/EmptyState';
import { ClockIcon } from '../ui/icons';
import { Page } from '../ui/Page';

export function SchedulesPage() {
  return (
    <Page title="Schedules">
      <EmptyState icon={<ClockIcon />} title="No schedules yet">
        <p>
          Schedules run scripts or machine actions at set times. For example, stop development machines every
          evening and start them again each morning.
        </p>
      </EmptyState>
    </Page>
  );
}
