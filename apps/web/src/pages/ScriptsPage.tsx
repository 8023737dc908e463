import { EmptyState } from '../ui/EmptyState';
import { TerminalIcon } from '../ui/icons';
import { Page } from '../ui/Page';

export function ScriptsPage() {
  return (
    <Page title="Scripts">
      <EmptyState icon={<TerminalIcon />} title="No scripts yet">
        <p>
          Save shell scripts here to run them on one machine or on many at once, and read the output of every
          run.
        </p>
      </EmptyState>
    </Page>
  );
}
