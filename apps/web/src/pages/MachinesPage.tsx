import { ButtonLink } from '../ui/Button';
import { EmptyState } from '../ui/EmptyState';
import { ServerIcon } from '../ui/icons';
import { Page } from '../ui/Page';

export function MachinesPage() {
  return (
    <Page title="Machines">
      <EmptyState
        icon={<ServerIcon />}
        title="No machines yet"
        actions={<ButtonLink to="/clouds">Go to Clouds</ButtonLink>}
      >
        <p>
          Machines from every cloud you add are listed here together, with their state, size, region and cost,
          and you can start, stop or reboot them or open a shell from here.
        </p>
        <p>Add a cloud first; its machines show up after the first sync.</p>
      </EmptyState>
    </Page>
  );
}
