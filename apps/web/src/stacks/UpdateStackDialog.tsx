import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { errorText } from '../api/errors';
import { planStackUpdate, stackKeys, updateStack } from '../api/stacks';
import { templateQuery, templateVersionsQuery } from '../api/templates';
import type { Stack, StackPlan, UpdateStackRequest } from '../api/types';
import { SelectField } from '../ui/Field';
import { FormDialog } from '../ui/FormDialog';
import layout from '../ui/layout.module.css';
import { useResourceMutation } from '../ui/useResourceMutation';
import { defaultValues, InputFields, type InputValues, inputAtFault, inputsToSend } from './InputFields';
import styles from './stacks.module.css';

/** The plan as a list a person can check before anything changes. */
export function PlanList({ plan }: { plan: StackPlan }) {
  if (plan.unchanged) return <p>Nothing would change: the stack already runs this.</p>;
  const { machines, volumes, containers, steps } = plan;
  const gone = { tone: layout.dangerText };
  const rows: { label: string; names: string[]; tone?: string }[] = [
    { label: 'Made', names: machines.add },
    { label: 'Destroyed once the update has finished', names: machines.remove, ...gone },
    { label: 'Kept as they are', names: machines.keep },
    { label: 'Volumes made', names: volumes.add },
    { label: 'Volumes destroyed once the update has finished', names: volumes.remove, ...gone },
    { label: 'Volumes kept (moved to their machine when it is made anew)', names: volumes.keep },
    { label: 'Containers made', names: containers.add },
    { label: 'Containers destroyed once the update has finished', names: containers.remove, ...gone },
    { label: 'Containers kept', names: containers.keep },
    { label: 'Steps that run again', names: steps.run },
    { label: 'Steps removed', names: steps.remove },
    { label: 'Inputs that change', names: plan.inputs },
  ];
  return (
    <div className={layout.stackSmall} data-plan>
      <p>
        Version {plan.fromVersion} → {plan.toVersion}
      </p>
      {machines.replace.length > 0 && (
        <div>
          <strong>Made anew (the old machine goes once the update has finished)</strong>
          <ul className={styles.graph}>
            {machines.replace.map((r) => (
              <li key={r.name} className={styles.node} data-replace={r.name}>
                <span className={styles.nodeName}>{r.name}</span>
                <span className={styles.arrow}>{r.changes.join('; ')}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
      {rows
        .filter((r) => r.names.length)
        .map((r) => (
          <p key={r.label} className={r.tone}>
            <strong>{r.label}:</strong> {r.names.join(', ')}
          </p>
        ))}
    </div>
  );
}

/**
 * Moves a stack to another template version or other inputs in two steps: the plan of what
 * would change, then the update itself.
 */
export function UpdateStackDialog({
  stack,
  templateId,
  onClose,
}: {
  stack: Stack;
  templateId: string;
  onClose: () => void;
}) {
  const template = useQuery(templateQuery(templateId));
  const versions = useQuery(templateVersionsQuery(templateId));
  const current = template.data?.version ?? stack.templateVersion;
  const [version, setVersion] = useState<number | null>(null);
  const [edited, setEdited] = useState<InputValues>({});
  const [plan, setPlan] = useState<StackPlan | null>(null);
  const chosen = version ?? current;
  // The chosen version's inputs, filled with what the stack runs with.
  const inputs =
    versions.data?.find((v) => v.version === chosen)?.inputs ??
    (chosen === current ? template.data?.inputs : undefined) ??
    {};
  const values: InputValues = { ...defaultValues(inputs), ...stack.inputs, ...edited };
  const request = (): UpdateStackRequest => ({
    version: chosen,
    inputs: inputsToSend(
      Object.fromEntries(Object.entries(edited).filter(([k, v]) => String(v) !== (stack.inputs[k] ?? ''))),
    ),
  });
  const review = useResourceMutation({
    mutationFn: () => planStackUpdate(stack.id, request()),
    invalidates: [],
    onSuccess: (p) => setPlan(p),
  });
  const apply = useResourceMutation({
    mutationFn: () => updateStack(stack.id, request()),
    invalidates: [stackKeys.one(stack.id), stackKeys.list()],
    success: `Updating ${stack.name}`,
    onSuccess: onClose,
  });
  const fault = inputAtFault(review.error);
  const change = () => setPlan(null);
  return (
    <FormDialog
      title={`Update ${stack.name}`}
      description={
        plan
          ? 'Check what changes, then update. New machines are made first; nothing is destroyed until the update has finished.'
          : 'Choose a version and inputs; what would change is shown before anything changes.'
      }
      onClose={onClose}
      onSubmit={() => (plan ? apply.mutate(undefined) : review.mutate(undefined))}
      busy={review.isPending || apply.isPending}
      submitLabel={plan ? 'Update' : 'Review changes'}
      submitDisabled={plan?.unchanged === true}
      error={plan ? apply.error : fault ? null : review.error}
      formId="stack-update"
    >
      {plan ? (
        <PlanList plan={plan} />
      ) : (
        <>
          <SelectField
            label="Template version"
            value={String(chosen)}
            onChange={(e) => {
              setVersion(Number(e.target.value));
              change();
            }}
            hint={versions.isError ? errorText(versions.error) : undefined}
          >
            {(versions.data ?? [{ version: current }]).map((v) => (
              <option key={v.version} value={v.version}>
                Version {v.version}
                {v.version === current ? ' (current)' : ''}
                {v.version === stack.templateVersion ? ' · running' : ''}
              </option>
            ))}
          </SelectField>
          <InputFields
            inputs={inputs}
            values={values}
            onChange={(k, v) => {
              setEdited((old) => ({ ...old, [k]: v }));
              change();
            }}
            errorFor={(k) => (fault === k ? errorText(review.error) : undefined)}
          />
        </>
      )}
    </FormDialog>
  );
}
