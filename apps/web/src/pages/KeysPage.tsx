import { EmptyState } from '../ui/EmptyState';
import { KeyIcon } from '../ui/icons';
import { Page } from '../ui/Page';

export function KeysPage() {
  return (
    <Page title="Keys">
      <EmptyState icon={<KeyIcon />} title="No SSH keys yet">
        <p>
          SSH keys kept here let Overcast open a terminal on your machines from the browser and run scripts on
          them, without sharing private keys around the team.
        </p>
      </EmptyState>
    </Page>
  );
}
