import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { stacksQuery } from '../api/stacks';
import { ButtonLink } from '../ui/Button';
import { EmptyState } from '../ui/EmptyState';
import { ServerIcon } from '../ui/icons';
import { Page } from '../ui/Page';
import { RelativeTime } from '../ui/RelativeTime';
import { ResourceTable } from '../ui/ResourceTable';
import { StatusBadge } from './status';

export function StacksPage() {
  const stacks = useQuery(stacksQuery);
  return (
    <Page
      title="Stacks"
      description="Machines and steps deployed together from a template."
      actions={
        <ButtonLink to="/catalog" size="sm">
          Deploy from the catalog
        </ButtonLink>
      }
    >
      <ResourceTable
        query={stacks}
        rows={stacks.data ?? []}
        rowKey={(s) => s.id}
        rowProps={(s) => ({ 'data-stack-id': s.id })}
        empty={
          <EmptyState icon={<ServerIcon />} title="No stacks yet">
            <p>
              Deploy one from the <Link to="/catalog">catalog</Link>.
            </p>
          </EmptyState>
        }
        columns={[
          { key: 'name', header: 'Name', cell: (s) => <Link to={`/stacks/${s.id}`}>{s.name}</Link> },
          { key: 'status', header: 'Status', cell: (s) => <StatusBadge status={s.status} /> },
          { key: 'resources', header: 'Resources', numeric: true, cell: (s) => s.resources.length },
          { key: 'by', header: 'By', cell: (s) => s.createdBy },
          { key: 'created', header: 'Created', cell: (s) => <RelativeTime value={s.createdAt} /> },
        ]}
      />
    </Page>
  );
}
