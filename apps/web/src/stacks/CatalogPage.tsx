import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { errorText } from '../api/errors';
import {
  catalogEstimateQuery,
  catalogQuery,
  deployFromCatalog,
  stackKeys,
  unpublishCatalogItem,
} from '../api/stacks';
import type { CatalogItem } from '../api/types';
import { usePermissions } from '../auth/permissions';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { Card } from '../ui/Card';
import { EmptyState } from '../ui/EmptyState';
import { PlusIcon, ServerIcon } from '../ui/icons';
import layout from '../ui/layout.module.css';
import { Page } from '../ui/Page';
import { QueryState } from '../ui/QueryState';
import { useResourceMutation } from '../ui/useResourceMutation';
import { DeployDialog } from './DeployDialog';
import { inputAtFault } from './InputFields';
import { PublishDialog } from './PublishDialog';
import styles from './stacks.module.css';

/** Cost, budgets and the refusal a deploy would meet, as the inputs are chosen. */
function Estimate({ item, inputs }: { item: CatalogItem; inputs: Record<string, unknown> }) {
  const estimate = useQuery({ ...catalogEstimateQuery(item.id, inputs), placeholderData: keepPreviousData });
  if (estimate.isError)
    return inputAtFault(estimate.error) ? null : <p className={layout.muted}>{errorText(estimate.error)}</p>;
  const e = estimate.data;
  if (!e) return <p className={layout.muted}>Estimating…</p>;
  return (
    <div className={layout.stackSmall} data-estimate>
      <p>
        Estimated cost:{' '}
        <strong data-monthly>{e.monthly === null ? 'unknown' : `$${e.monthly} a month`}</strong> for{' '}
        {e.machines} machine{e.machines === 1 ? '' : 's'}
      </p>
      {e.budgets.map((b) => (
        <p
          key={b.name}
          className={Number(b.remaining) < 0 ? layout.warnText : layout.muted}
          data-budget={b.name}
        >
          {b.name}: ${b.used} of ${b.budget} used; ${b.remaining} would remain after this.
        </p>
      ))}
      {e.refusal && (
        <Alert tone="info">
          {e.needsApproval
            ? `This goes over the budget, so it will be sent to an admin for approval. ${e.refusal}`
            : e.refusal}
        </Alert>
      )}
    </div>
  );
}

/** What your teams may deploy; admins publish and take items out here. */
export function CatalogPage() {
  const items = useQuery(catalogQuery);
  const { manageOrganization } = usePermissions();
  const [deploying, setDeploying] = useState<CatalogItem | null>(null);
  const [publishing, setPublishing] = useState(false);
  const unpublish = useResourceMutation({
    mutationFn: (item: CatalogItem) => unpublishCatalogItem(item.id),
    invalidates: [stackKeys.catalog()],
    success: (_, item) => `${item.name} is out of the catalog`,
    failure: 'The item was not taken out',
  });
  return (
    <Page
      title="Catalog"
      description="Stacks your teams may deploy, with what they cost before you deploy."
      actions={
        manageOrganization && (
          <Button size="sm" variant="primary" icon={<PlusIcon />} onClick={() => setPublishing(true)}>
            Publish
          </Button>
        )
      }
    >
      <QueryState query={items}>
        {items.data?.length === 0 ? (
          <EmptyState icon={<ServerIcon />} title="The catalog is empty">
            <p>
              {manageOrganization
                ? 'Publish a template to a team to offer it here.'
                : 'An admin has not published anything to your teams yet.'}
            </p>
          </EmptyState>
        ) : (
          <div className={styles.grid}>
            {(items.data ?? []).map((item) => (
              <Card key={item.id} title={item.name} meta={`version ${item.templateVersion}`}>
                <div className={layout.stackSmall} data-catalog-item={item.name}>
                  {item.description && <p>{item.description}</p>}
                  <p className={layout.muted}>
                    {item.machines} machine{item.machines === 1 ? '' : 's'} · for{' '}
                    {item.teams.map((t) => t.name).join(', ')}
                  </p>
                  <div className={styles.actions}>
                    <Button size="sm" variant="primary" onClick={() => setDeploying(item)}>
                      Deploy
                    </Button>
                    {manageOrganization && (
                      <Button size="sm" variant="danger" onClick={() => unpublish.mutate(item)}>
                        Unpublish
                      </Button>
                    )}
                  </div>
                </div>
              </Card>
            ))}
          </div>
        )}
      </QueryState>
      {deploying && (
        <DeployDialog
          title={`Deploy ${deploying.name}`}
          description={deploying.description}
          inputs={deploying.inputs}
          deploy={(body) => deployFromCatalog(deploying.id, body)}
          below={(inputs) => <Estimate item={deploying} inputs={inputs} />}
          onClose={() => setDeploying(null)}
        />
      )}
      {publishing && <PublishDialog onClose={() => setPublishing(false)} />}
    </Page>
  );
}
