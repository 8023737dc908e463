import { EmptyState } from '../ui/EmptyState';
import { BoltIcon } from '../ui/icons';
import { Page } from '../ui/Page';

export function RulesPage() {
  return (
    <Page title="Rules">
      <EmptyState icon={<BoltIcon />} title="No rules yet">
        <p>
          Rules watch your machines and act when a condition holds. For example, alert the team when a machine
          stops responding, or run a script when its disk fills up.
        </p>
      </EmptyState>
    </Page>
  );
}
