import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { destroyStack, retryStackStep, rollbackStack, stackKeys, stackQuery } from '../api/stacks';
import type { Stack, StackStep } from '../api/types';
import { usePermissions } from '../auth/permissions';
import { Button } from '../ui/Button';
import { Card } from '../ui/Card';
import { FormDialog } from '../ui/FormDialog';
import layout from '../ui/layout.module.css';
import { Page } from '../ui/Page';
import { LoadError } from '../ui/QueryState';
import { RelativeTime } from '../ui/RelativeTime';
import { Skeleton } from '../ui/Skeleton';
import { useResourceMutation } from '../ui/useResourceMutation';
import styles from './stacks.module.css';
import { StatusBadge } from './status';
import { PlanList, UpdateStackDialog } from './UpdateStackDialog';

/** Steps in the order they can run: each after what it waits for (the template has no cycles). */
export function orderSteps(steps: StackStep[]): StackStep[] {
  const done = new Set<string>();
  const out: StackStep[] = [];
  let left = [...steps];
  while (left.length) {
    const ready = left.filter((s) => s.after.every((a) => done.has(a) || !steps.some((x) => x.name === a)));
    const next = ready.length ? ready : left; // never stall on a name the list lacks
    for (const s of next) {
      out.push(s);
      done.add(s.name);
    }
    left = left.filter((s) => !next.includes(s));
  }
  return out;
}

const KINDS = ['machine', 'volume', 'container'] as const;

/** "2 machines, 1 volume": what a stack holds, by kind. */
export function resourceCounts(stack: Stack): string {
  return KINDS.map((k) => [k, stack.resources.filter((r) => r.kind === k).length] as const)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}${n === 1 ? '' : 's'}`)
    .join(', ');
}

/** Machines, then the volumes on them, then containers: each with its state as it goes. */
function Resources({ stack }: { stack: Stack }) {
  const ordered = KINDS.flatMap((k) => stack.resources.filter((r) => r.kind === k));
  return (
    <Card title="Resources" meta={resourceCounts(stack)}>
      <ol className={styles.graph}>
        {ordered.map((r) => (
          <li key={r.id} className={styles.node} data-resource={r.name} data-kind={r.kind}>
            <span className={styles.nodeName}>{r.name}</span>
            <span className={layout.muted}>{r.kind}</span>
            <StatusBadge status={r.status} />
            {r.attachedTo && <span className={styles.arrow}>attached to {r.attachedTo}</span>}
            {r.machineId && <Link to={`/machines/${r.machineId}`}>{r.kind}</Link>}
            {r.externalId && <span className={layout.mono}>{r.externalId}</span>}
            {r.address && <span className={layout.mono}>{r.address}</span>}
            {r.error && <span className={layout.dangerText}>{r.error}</span>}
          </li>
        ))}
      </ol>
    </Card>
  );
}

function Steps({ stack, canRetry }: { stack: Stack; canRetry: boolean }) {
  const retry = useResourceMutation({
    mutationFn: (step: string) => retryStackStep(stack.id, step),
    invalidates: [stackKeys.one(stack.id)],
    success: (_, step) => `Running ${step} again`,
    failure: 'The step was not retried',
  });
  const steps = orderSteps(stack.steps);
  if (!steps.length) return null;
  return (
    <Card title="Steps" meta="in the order they run">
      <ol className={styles.graph}>
        {steps.map((s) => (
          <li key={s.id} className={styles.node} data-step={s.name}>
            <span className={styles.nodeName}>{s.name}</span>
            <StatusBadge status={s.status} />
            <span className={styles.arrow}>
              {s.after.length ? `after ${s.after.join(', ')} → ` : ''}on {s.on.join(', ')}
            </span>
            {s.attempt > 1 && <span className={layout.muted}>attempt {s.attempt}</span>}
            {s.status === 'failed' && canRetry && (
              <Button size="xs" onClick={() => retry.mutate(s.name)} disabled={retry.isPending}>
                Retry
              </Button>
            )}
            {s.error && <span className={layout.dangerText}>{s.error}</span>}
            {s.output && <pre className={styles.output}>{s.output}</pre>}
          </li>
        ))}
      </ol>
    </Card>
  );
}

/** One stack: its machines, volumes, containers and steps as they go (the event stream refreshes it), outputs, and its actions. */
export function StackPage() {
  const { id = '' } = useParams();
  const stack = useQuery(stackQuery(id));
  const { can } = usePermissions();
  const [dialog, setDialog] = useState<'destroy' | 'update' | 'rollback' | null>(null);
  const close = () => setDialog(null);
  const destroy = useResourceMutation({
    mutationFn: () => destroyStack(id),
    invalidates: [stackKeys.one(id), stackKeys.list()],
    success: 'Destroying what the stack made',
    onSuccess: close,
  });
  const rollback = useResourceMutation({
    mutationFn: () => rollbackStack(id),
    invalidates: [stackKeys.one(id), stackKeys.list()],
    success: (plan) => `Rolling back to version ${plan.toVersion}`,
    onSuccess: close,
  });
  const s = stack.data;
  const destroyable = s && !['destroying', 'destroyed'].includes(s.status) && can('stacks', 'delete');
  // A stack changes once it has settled: deployed, or failed (an update can fix what failed).
  const changeable = s && ['deployed', 'failed'].includes(s.status) && can('stacks', 'edit');
  return (
    <Page
      title={s ? s.name : 'Stack'}
      back={{ to: '/stacks', label: 'Stacks' }}
      titleExtra={
        s && (
          <span data-stack-status>
            <StatusBadge status={s.status} />
          </span>
        )
      }
      description={
        s && (
          <>
            Deployed by {s.createdBy} <RelativeTime value={s.createdAt} /> · template version{' '}
            {s.templateVersion}
          </>
        )
      }
      actions={
        <>
          {changeable && s.templateId && (
            <Button size="sm" onClick={() => setDialog('update')}>
              Update
            </Button>
          )}
          {changeable && s.previousVersion !== null && (
            <Button size="sm" variant="secondary" onClick={() => setDialog('rollback')}>
              Roll back to version {s.previousVersion}
            </Button>
          )}
          {destroyable && (
            <Button variant="danger" size="sm" onClick={() => setDialog('destroy')}>
              Destroy
            </Button>
          )}
        </>
      }
    >
      {stack.isError ? (
        <LoadError error={stack.error} onRetry={stack.refetch} />
      ) : !s ? (
        <Skeleton width="60%" />
      ) : (
        <div className={layout.stack}>
          {s.error && <p className={layout.dangerText}>{s.error}</p>}
          <div className={styles.grid}>
            <Resources stack={s} />
            {Object.keys(s.outputs).length > 0 && (
              <Card title="Outputs">
                <dl className={layout.facts}>
                  {Object.entries(s.outputs).map(([k, v]) => (
                    <div key={k}>
                      <dt className={layout.factLabel}>{k}</dt>
                      <dd className={layout.mono}>{v}</dd>
                    </div>
                  ))}
                </dl>
              </Card>
            )}
          </div>
          <Steps stack={s} canRetry={can('stacks', 'edit')} />
        </div>
      )}
      {dialog === 'update' && s?.templateId && (
        <UpdateStackDialog stack={s} templateId={s.templateId} onClose={close} />
      )}
      {dialog === 'rollback' && s && (
        <FormDialog
          title={`Roll ${s.name} back to version ${s.previousVersion}?`}
          description="The stack returns to the template version and inputs it had before its last update: machines made since are destroyed, changed ones made again as they were, and the steps on them run again."
          onClose={close}
          onSubmit={() => rollback.mutate(undefined)}
          busy={rollback.isPending}
          submitLabel="Roll back"
          error={rollback.error}
        >
          {rollback.data && <PlanList plan={rollback.data} />}
        </FormDialog>
      )}
      {dialog === 'destroy' && s && (
        <FormDialog
          title={`Destroy ${s.name}?`}
          description="Every machine, volume and container this stack made is destroyed (volumes detached first); nothing else is touched. The stack stays as a record."
          onClose={close}
          onSubmit={() => destroy.mutate(undefined)}
          busy={destroy.isPending}
          submitLabel="Destroy"
          tone="danger"
          error={destroy.error}
        >
          <p>To be destroyed: {resourceCounts(s) || 'nothing left'}.</p>
        </FormDialog>
      )}
    </Page>
  );
}
