import { EmptyState } from '../ui/EmptyState';
import { CloudIcon } from '../ui/icons';
import { Page } from '../ui/Page';

export function CloudsPage() {
  return (
    <Page title="Clouds">
      <EmptyState icon={<CloudIcon />} title="No clouds yet">
        <p>Add your AWS, Google Cloud, DigitalOcean, KVM or SSH hosts to see every machine in one place.</p>
      </EmptyState>
    </Page>
  );
}
