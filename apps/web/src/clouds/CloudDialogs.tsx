import { cloudDestinations, newCloudDestinations } from '@overcast/contracts/destinations';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { cloudKeys, deleteCloud, updateCloud } from '../api/clouds';
import { costKeys } from '../api/costs';
import { ApiError, errorText } from '../api/errors';
import { machineKeys } from '../api/machines';
import type { Cloud, ProviderInfo, UpdateCloudRequest } from '../api/types';
import { volumeKeys } from '../api/volumes';
import { plural } from '../format/number';
import { useProviderMeta, useProviders } from '../providers/meta';
import { Alert } from '../ui/Alert';
import { ConfirmPhraseField } from '../ui/ConfirmPhraseField';
import { FormDialog } from '../ui/FormDialog';
import forms from '../ui/forms.module.css';
import layout from '../ui/layout.module.css';
import { Spinner } from '../ui/Spinner';
import { TextField } from '../ui/TextField';
import { useResourceMutation } from '../ui/useResourceMutation';
import { NumberField } from '../ui/ValueFields';
import { ProviderFields } from './ProviderFields';
import {
  buildRequest,
  cloudFieldOf,
  type FormValues,
  formConfigKeys,
  formFields,
  valuesFromConfig,
} from './schemaForm';

function useCloudUpdate(cloud: Cloud, success: (updated: Cloud) => string, onDone: () => void) {
  const queryClient = useQueryClient();
  return useResourceMutation({
    mutationFn: (body: UpdateCloudRequest) => updateCloud(cloud.id, body),
    // Titles show on every machine row.
    invalidates: [cloudKeys.all, machineKeys.all],
    success,
    onSuccess: (updated) => {
      queryClient.setQueryData<Cloud[]>(cloudKeys.list(), (list) =>
        list?.map((c) => (c.id === updated.id ? updated : c)),
      );
      onDone();
    },
  });
}

export function RenameCloudDialog({ cloud, onClose }: { cloud: Cloud; onClose: () => void }) {
  const [title, setTitle] = useState(cloud.title);
  const update = useCloudUpdate(cloud, (updated) => `Renamed to ${updated.title}`, onClose);
  const unchanged = !title.trim() || title.trim() === cloud.title;
  return (
    <FormDialog
      onClose={onClose}
      busy={update.isPending}
      size="sm"
      title={`Rename ${cloud.title}`}
      formId="rename-cloud"
      noValidate
      submitLabel="Rename"
      submitDisabled={unchanged}
      onSubmit={() => update.mutate({ title: title.trim() })}
    >
      <TextField
        label="Name"
        value={title}
        onChange={(e) => setTitle(e.target.value)}
        maxLength={100}
        error={update.isError ? errorText(update.error) : undefined}
        autoComplete="off"
      />
    </FormDialog>
  );
}

/** New credentials (checked with the provider before they replace the old ones) and settings. */
export function EditCloudDialog({ cloud, onClose }: { cloud: Cloud; onClose: () => void }) {
  const { providerMeta, query } = useProviders();
  // The form is drawn from the provider's descriptor: wait for it rather than draw an empty one.
  if (query.isPending) return null;
  return <EditCloud cloud={cloud} meta={providerMeta(cloud.provider)} onClose={onClose} />;
}

function EditCloud({ cloud, meta, onClose }: { cloud: Cloud; meta: ProviderInfo; onClose: () => void }) {
  const [values, setValues] = useState<FormValues>(() => valuesFromConfig(meta, cloud.config));
  const [endpoint, setEndpoint] = useState(cloud.endpoint ?? '');
  const [poll, setPoll] = useState(cloud.pollIntervalSeconds ? String(cloud.pollIntervalSeconds) : '');
  const [cost, setCost] = useState(cloud.costOverrideMonthly ?? '');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const update = useCloudUpdate(cloud, () => `${cloud.title} updated`, onClose);

  function onSubmit() {
    const built = buildRequest(meta, values, true);
    const next: Record<string, string> = {};
    if (built.error) next[built.error.field] = built.error.message;
    // New credentials replace the old ones whole: when one is given, the others it needs are too.
    if (Object.keys(built.credentials).length) {
      for (const field of formFields(meta)) {
        if (field.target === 'credentials' && field.required && !(values[field.name] ?? '').trim()) {
          next[field.name] = `Enter the ${field.label.toLowerCase()} too, or leave all credentials empty.`;
        }
      }
    }
    // Stored credentials never follow a cloud to a new address: changing one asks for them again.
    const config = mergeConfig(meta, cloud.config, built.config);
    const endpointValue = endpoint.trim() || null;
    if (!Object.keys(built.credentials).length && movesCredentials(meta, cloud, endpointValue, config)) {
      const first = formFields(meta).find((f) => f.target === 'credentials');
      if (first) next[first.name] = CREDENTIALS_AGAIN;
    }
    const pollValue = poll.trim() ? Number(poll) : null;
    if (pollValue !== null && (!Number.isInteger(pollValue) || pollValue < 10 || pollValue > 86_400))
      next.poll = 'Between 10 and 86,400 seconds.';
    if (cost.trim() && !/^\d{1,8}(\.\d{1,4})?$/.test(cost.trim()))
      next.cost = 'An amount such as 40 or 12.50.';
    if (endpoint.trim() && !/^https?:\/\//.test(endpoint.trim()))
      next.endpoint = 'Start the address with https://.';
    setErrors(next);
    if (Object.keys(next).length) return;
    const body: UpdateCloudRequest = {
      pollIntervalSeconds: pollValue,
      costOverrideMonthly: cost.trim() || null,
    };
    // Access settings are sent only when changed, as they are checked with the provider again.
    if (stableJson(config) !== stableJson(cloud.config)) body.config = config;
    if (endpointValue !== cloud.endpoint) body.endpoint = endpointValue;
    if (Object.keys(built.credentials).length) body.credentials = built.credentials;
    update.mutate(body, {
      onError: (error) => {
        if (error instanceof ApiError && error.status === 400) {
          const field = cloudFieldOf(error, meta);
          if (field) setErrors({ [field]: error.message });
        }
      },
    });
  }

  return (
    <FormDialog
      onClose={onClose}
      busy={update.isPending}
      title={`Edit ${cloud.title}`}
      description={`New credentials are checked with ${meta.label} before they replace the stored ones.`}
      status={
        update.isPending && (
          <span className={forms.footerStatus} role="status">
            <Spinner size="sm" /> Checking with {meta.label}…
          </span>
        )
      }
      formId="edit-cloud"
      noValidate
      submitLabel="Save"
      error={update.error}
      onSubmit={onSubmit}
    >
      <fieldset className={forms.fieldset} disabled={update.isPending}>
        <legend className="visually-hidden">Credentials and settings</legend>
        <div className={layout.stack}>
          <ProviderFields
            provider={meta}
            values={values}
            errors={errors}
            editing
            onChange={(name, value) => setValues((v) => ({ ...v, [name]: value }))}
          />
          {meta.endpoint.overridable && (
            <TextField
              label="API endpoint"
              aside="optional"
              value={endpoint}
              onChange={(e) => setEndpoint(e.target.value)}
              error={errors.endpoint}
              hint={
                (endpoint.trim() || null) !== cloud.endpoint
                  ? 'A new endpoint needs the credentials entered again.'
                  : undefined
              }
              placeholder="https://…"
              autoComplete="off"
            />
          )}
          <div className={forms.twoColumns}>
            <NumberField
              label="Poll every"
              aside="seconds"
              min={10}
              placeholder="server default"
              value={poll}
              onChange={setPoll}
              error={errors.poll}
            />
            <TextField
              label="Monthly cost per machine"
              aside="optional"
              inputMode="decimal"
              value={cost}
              onChange={(e) => setCost(e.target.value)}
              error={errors.cost}
            />
          </div>
        </div>
      </fieldset>
    </FormDialog>
  );
}

const CREDENTIALS_AGAIN =
  'The address changed: enter the credentials again. Stored credentials are never sent to a new address.';

/** Whether an edit points the cloud at an address its stored credentials have not been sent to. */
function movesCredentials(
  meta: ProviderInfo,
  cloud: Cloud,
  endpoint: string | null,
  config: Record<string, unknown>,
): boolean {
  // An engine reached through a machine logs in with that machine's key, not stored credentials.
  if (typeof config.sshMachineId === 'string') return false;
  return (
    newCloudDestinations(
      cloudDestinations(meta.config, cloud.endpoint, cloud.config),
      cloudDestinations(meta.config, endpoint, config),
    ).length > 0
  );
}

/** The form's keys replace their stored values; keys the form doesn't show are kept. */
function mergeConfig(
  meta: ProviderInfo,
  stored: Record<string, unknown>,
  fromForm: Record<string, unknown>,
): Record<string, unknown> {
  const shown = formConfigKeys(meta);
  const kept = Object.fromEntries(Object.entries(stored).filter(([key]) => !shown.includes(key)));
  return { ...kept, ...fromForm };
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Deleting takes the cloud's machines, volumes and history with it, so the title is typed. */
export function DeleteCloudDialog({ cloud, onClose }: { cloud: Cloud; onClose: () => void }) {
  const queryClient = useQueryClient();
  const providerMeta = useProviderMeta();
  const [typed, setTyped] = useState('');
  const remove = useResourceMutation({
    mutationFn: () => deleteCloud(cloud.id, typed),
    invalidates: [cloudKeys.all, machineKeys.all, volumeKeys.all, costKeys.all],
    success: `Deleted ${cloud.title}`,
    successDescription: 'Its machines and volumes at the provider were not touched.',
    onSuccess: () => {
      queryClient.setQueryData<Cloud[]>(cloudKeys.list(), (list) => list?.filter((c) => c.id !== cloud.id));
      onClose();
    },
  });
  return (
    <FormDialog
      onClose={onClose}
      busy={remove.isPending}
      size="sm"
      title={`Delete ${cloud.title}?`}
      formId="delete-cloud"
      noValidate
      tone="danger"
      submitLabel="Delete cloud"
      submitDisabled={typed !== cloud.title}
      error={remove.error}
      onSubmit={() => remove.mutate()}
    >
      <Alert>
        Overcast forgets this cloud with its {plural(cloud.machineCount, 'machine')}, their volumes and
        history. Nothing is deleted at {providerMeta(cloud.provider).label}: add the cloud again to see them.
      </Alert>
      <ConfirmPhraseField phrase={cloud.title} value={typed} onChange={setTyped} />
    </FormDialog>
  );
}
