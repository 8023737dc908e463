import { type ReactNode, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { ApiError, errorText } from '../api/errors';
import { type DeployOutcome, stackKeys } from '../api/stacks';
import type { TemplateInput } from '../api/types';
import { FormDialog } from '../ui/FormDialog';
import { TextField } from '../ui/TextField';
import { useResourceMutation } from '../ui/useResourceMutation';
import { useSettled } from '../ui/useSettled';
import { defaultValues, InputFields, type InputValues, inputAtFault, inputsToSend } from './InputFields';

/**
 * Deploying a stack: its name and the template's inputs, then the stack's page (or the approvals
 * page, when the deploy went to an admin). The catalog and the template pages open it.
 */
export function DeployDialog({
  title,
  description,
  inputs,
  deploy,
  below,
  onClose,
}: {
  title: string;
  description?: string | undefined;
  inputs: Record<string, TemplateInput>;
  deploy: (body: { name: string; inputs: Record<string, string | boolean> }) => Promise<DeployOutcome>;
  /** Drawn under the inputs with their values once typing pauses (the catalog's estimate). */
  below?: (settledInputs: Record<string, string | boolean>) => ReactNode;
  onClose: () => void;
}) {
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [values, setValues] = useState<InputValues>(() => defaultValues(inputs));
  const settled = useSettled(inputsToSend(values));
  const mutation = useResourceMutation({
    mutationFn: () => deploy({ name: name.trim(), inputs: inputsToSend(values) }),
    invalidates: [stackKeys.list(), stackKeys.requests()],
    success: (outcome) =>
      'stack' in outcome ? `Deploying ${outcome.stack.name}` : 'Sent to an admin for approval',
    onSuccess: (outcome) => {
      onClose();
      navigate('stack' in outcome ? `/stacks/${outcome.stack.id}` : '/deploy-requests');
    },
  });
  const fault = inputAtFault(mutation.error);
  const nameError = mutation.error instanceof ApiError && mutation.error.field === 'body.name';
  return (
    <FormDialog
      title={title}
      description={description || undefined}
      onClose={onClose}
      onSubmit={() => mutation.mutate(undefined)}
      busy={mutation.isPending}
      submitLabel="Deploy"
      error={fault || nameError ? null : mutation.error}
      formId="stack-deploy"
    >
      <TextField
        label="Stack name"
        name="name"
        required
        pattern="[a-z][a-z0-9\-]*"
        hint="Lower-case letters, digits and dashes; machines are named after it."
        value={name}
        error={nameError ? errorText(mutation.error) : undefined}
        onChange={(e) => setName(e.target.value)}
      />
      <InputFields
        inputs={inputs}
        values={values}
        onChange={(k, v) => setValues((old) => ({ ...old, [k]: v }))}
        errorFor={(k) => (fault === k ? errorText(mutation.error) : undefined)}
      />
      {below?.(settled)}
    </FormDialog>
  );
}
