import { ButtonLink } from '../ui/Button';
import { EmptyState } from '../ui/EmptyState';
import { VolumeIcon } from '../ui/icons';
import { Page } from '../ui/Page';

export function VolumesPage() {
  return (
    <Page title="Volumes">
      <EmptyState
        icon={<VolumeIcon />}
        title="No volumes yet"
        actions={<ButtonLink to="/clouds">Go to Clouds</ButtonLink>}
      >
        <p>
          Disks and block storage from your clouds are listed here, with their size, region and the machine
          each one is attached to.
        </p>
        <p>They appear once you add a cloud.</p>
      </EmptyState>
    </Page>
  );
}
