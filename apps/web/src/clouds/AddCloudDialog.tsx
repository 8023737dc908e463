import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { addCloud, cloudKeys, cloudsQuery } from '../api/clouds';
import { ApiError, errorText } from '../api/errors';
import { sshKeysQuery } from '../api/keys';
import { machineKeys } from '../api/machines';
import type { Cloud, CreateCloudRequest, ProviderInfo } from '../api/types';
import { formatMoney, plural } from '../format/number';
import { useProviderMeta, useProviders } from '../providers/meta';
import { ProviderIcon } from '../providers/ProviderIcon';
import { Alert } from '../ui/Alert';
import { Button, ButtonLink } from '../ui/Button';
import { Dialog } from '../ui/Dialog';
import forms from '../ui/forms.module.css';
import { CheckIcon } from '../ui/icons';
import layout from '../ui/layout.module.css';
import { RadioOption } from '../ui/RadioOption';
import { Spinner } from '../ui/Spinner';
import { TextField } from '../ui/TextField';
import { toast } from '../ui/toast';
import { NumberField } from '../ui/ValueFields';
import styles from './clouds.module.css';
import { ProviderFields } from './ProviderFields';
import { buildRequest, cloudFieldOf, type FormValues, formFields } from './schemaForm';

export function AddCloudDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  if (!open) return null;
  return <AddCloud onClose={onClose} />;
}

function AddCloud({ onClose }: { onClose: () => void }) {
  const providers = useProviders();
  const [chosen, setProvider] = useState<string | null>(null);
  const meta = providers.list.find((p) => p.kind === chosen) ?? providers.list[0];
  if (!meta) return <LoadingProviders onClose={onClose} query={providers.query} />;
  return <AddCloudForm key={meta.kind} meta={meta} choose={setProvider} onClose={onClose} />;
}

function LoadingProviders({
  onClose,
  query,
}: {
  onClose: () => void;
  query: ReturnType<typeof useProviders>['query'];
}) {
  return (
    <Dialog open onClose={onClose} size="lg" title="Add a cloud">
      {query.isError ? (
        <Alert>
          <strong>Couldn't load the providers</strong>
          <br />
          {errorText(query.error)}
        </Alert>
      ) : (
        <p role="status">
          <Spinner size="sm" /> Loading the providers…
        </p>
      )}
    </Dialog>
  );
}

function AddCloudForm({
  meta,
  choose,
  onClose,
}: {
  meta: ProviderInfo;
  choose: (kind: string) => void;
  onClose: () => void;
}) {
  const queryClient = useQueryClient();
  const providers = useProviders();
  const provider = meta.kind;
  const [title, setTitle] = useState('');
  const [values, setValues] = useState<FormValues>({});
  const [advanced, setAdvanced] = useState({ endpoint: '', poll: '', cost: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [added, setAdded] = useState<Cloud | null>(null);
  const alertRef = useRef<HTMLDivElement>(null);
  const orgKeys = useQuery(sshKeysQuery);

  const add = useMutation({
    mutationFn: (body: CreateCloudRequest) => addCloud(body),
    onSuccess: (cloud) => {
      setAdded(cloud);
      queryClient.setQueryData<Cloud[]>(cloudKeys.list(), (list) =>
        list
          ? [...list.filter((c) => c.id !== cloud.id), cloud].sort((a, b) => a.title.localeCompare(b.title))
          : list,
      );
      void queryClient.invalidateQueries({ queryKey: cloudKeys.all });
    },
    onError: (error) => {
      if (error instanceof ApiError && (error.status === 400 || error.status === 409)) {
        const field = error.status === 409 ? 'title' : cloudFieldOf(error, meta);
        if (field) setErrors({ [field]: error.message });
      }
    },
  });

  // A refusal is read out and brought into view, as the provider's words explain what to fix.
  useEffect(() => {
    if (add.error) alertRef.current?.focus();
  }, [add.error]);

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (add.isPending) return;
    const next: Record<string, string> = {};
    if (!title.trim()) next.title = 'Give the cloud a name your team will recognise.';
    for (const field of formFields(meta)) {
      if (field.required && !(values[field.name] ?? '').trim())
        next[field.name] = `Enter the ${field.label.toLowerCase()}.`;
    }
    const built = buildRequest(meta, values);
    if (built.error && !next[built.error.field]) next[built.error.field] = built.error.message;
    // Hosts logged in to with the cloud's own login: nothing pasted logs in with the chosen
    // Overcast key, or else the organization's default one.
    if (
      meta.machinesFromConfig &&
      !values.privateKey?.trim() &&
      !values.password?.trim() &&
      !values.sshKeyId &&
      !orgKeys.data?.some((k) => k.isDefault)
    ) {
      next.privateKey = 'Give a private key or a password, or generate a key on the Keys page.';
    }
    if (meta.endpoint.overridable && advanced.endpoint && !/^https?:\/\//.test(advanced.endpoint.trim()))
      next.endpoint = 'Start the address with https:// (or http://).';
    const poll = advanced.poll.trim() ? Number(advanced.poll) : null;
    if (poll !== null && (!Number.isInteger(poll) || poll < 10 || poll > 86_400))
      next.poll = 'Between 10 and 86,400 seconds.';
    if (advanced.cost.trim() && !/^\d{1,8}(\.\d{1,4})?$/.test(advanced.cost.trim()))
      next.cost = 'An amount such as 40 or 12.50.';
    setErrors(next);
    if (Object.keys(next).length) {
      const first = Object.keys(next)[0];
      document.querySelector<HTMLElement>(`[name="${first}"]`)?.focus();
      return;
    }
    add.mutate({
      provider,
      title: title.trim(),
      credentials: built.credentials,
      ...(Object.keys(built.config).length ? { config: built.config } : {}),
      ...(meta.endpoint.overridable && advanced.endpoint.trim()
        ? { endpoint: advanced.endpoint.trim() }
        : {}),
      ...(poll !== null ? { pollIntervalSeconds: poll } : {}),
      ...(advanced.cost.trim() ? { costOverrideMonthly: advanced.cost.trim() } : {}),
    });
  }

  if (added) return <Connected cloud={added} onClose={onClose} />;

  const checking = add.isPending;
  return (
    <Dialog
      open
      onClose={onClose}
      busy={checking}
      size="lg"
      title="Add a cloud"
      description="Overcast checks the credentials with the provider before saving anything, then reads its machines."
      footer={
        <>
          {checking && (
            <span className={forms.footerStatus} role="status">
              <Spinner size="sm" /> Checking the credentials with {meta.label}…
            </span>
          )}
          <Button onClick={onClose} disabled={checking}>
            Cancel
          </Button>
          <Button type="submit" form="add-cloud-form" variant="primary" busy={checking}>
            {checking ? 'Checking…' : 'Add cloud'}
          </Button>
        </>
      }
    >
      <form id="add-cloud-form" className={layout.stack} onSubmit={onSubmit} noValidate>
        <fieldset className={forms.fieldset} disabled={checking}>
          <legend className={styles.pickerLegend}>Provider</legend>
          <div className={styles.providerOptions}>
            {providers.list.map(({ kind: p }) => (
              <RadioOption
                key={p}
                name="provider"
                value={p}
                chosen={p === provider}
                onChoose={() => choose(p)}
                className={styles.providerOption}
                chosenClassName={styles.providerChosen}
              >
                <ProviderIcon provider={p} decorative />
                <span>{providers.providerMeta(p).label}</span>
              </RadioOption>
            ))}
          </div>
        </fieldset>

        <div className={styles.formColumns}>
          <fieldset className={forms.fieldset} disabled={checking}>
            <legend className="visually-hidden">{meta.label} details</legend>
            <div className={layout.stack}>
              <TextField
                label="Name"
                name="title"
                placeholder={meta.titlePlaceholder}
                value={title}
                onChange={(e) => {
                  setTitle(e.target.value);
                  setErrors((x) => ({ ...x, title: '' }));
                }}
                error={errors.title || undefined}
                maxLength={100}
                autoComplete="off"
              />
              <ProviderFields
                provider={meta}
                values={values}
                errors={errors}
                onChange={(name, value) => {
                  setValues((v) => ({ ...v, [name]: value }));
                  if (errors[name]) setErrors((x) => ({ ...x, [name]: '' }));
                }}
              />
              <details className={styles.advanced}>
                <summary>Advanced</summary>
                <div className={layout.stack}>
                  {meta.endpoint.overridable && (
                    <TextField
                      label="API endpoint"
                      aside="optional"
                      name="endpoint"
                      placeholder="https://…"
                      value={advanced.endpoint}
                      onChange={(e) => setAdvanced({ ...advanced, endpoint: e.target.value })}
                      error={errors.endpoint}
                      hint="Only for API-compatible clouds, proxies or emulators. Leave empty to use the provider's API."
                      autoComplete="off"
                      spellCheck={false}
                    />
                  )}
                  <div className={forms.twoColumns}>
                    <NumberField
                      label="Poll every"
                      aside="seconds"
                      name="poll"
                      min={10}
                      placeholder="60"
                      value={advanced.poll}
                      onChange={(poll) => setAdvanced({ ...advanced, poll })}
                      error={errors.poll}
                    />
                    <TextField
                      label="Monthly cost per machine"
                      aside="optional"
                      name="cost"
                      inputMode="decimal"
                      placeholder="40.00"
                      value={advanced.cost}
                      onChange={(e) => setAdvanced({ ...advanced, cost: e.target.value })}
                      error={errors.cost}
                      hint="For servers without a price list."
                    />
                  </div>
                </div>
              </details>
            </div>
          </fieldset>
          <aside className={styles.help} aria-label={`Where to find the ${meta.label} credentials`}>
            <h3 className={styles.helpTitle}>Where to find the keys</h3>
            <ol className={styles.helpSteps}>
              {(meta.help ?? []).map((step) => (
                <li key={step}>{step}</li>
              ))}
            </ol>
            {meta.docs && (
              <a href={meta.docs} target="_blank" rel="noreferrer noopener">
                {meta.label}: where the keys are made ↗
              </a>
            )}
            <p className={styles.helpNote}>Credentials are encrypted on the server and never shown again.</p>
          </aside>
        </div>
        {add.isError && (
          <Alert ref={alertRef}>
            <strong>{titleFor(add.error, meta.label)}</strong>
            <br />
            {errorText(add.error)}
          </Alert>
        )}
      </form>
    </Dialog>
  );
}

function titleFor(error: unknown, provider: string): string {
  if (error instanceof ApiError) {
    if (error.status === 422) return `${provider} didn't accept these credentials`;
    if (error.status === 409) return 'That name is taken';
    if (error.status === 400) return 'Something in the form needs fixing';
    if (error.status === 504 || error.code === 'provider_timeout') return `${provider} didn't answer in time`;
    if (error.status === 403) return 'Your role cannot add clouds';
  }
  return "Couldn't add the cloud";
}

/** After adding: follows the first sync, then offers the way to the machines. */
function Connected({ cloud: initial, onClose }: { cloud: Cloud; onClose: () => void }) {
  const queryClient = useQueryClient();
  const clouds = useQuery({
    ...cloudsQuery,
    // The stream reports the end of the first sync; polling is only a safety net.
    refetchInterval: (q) => {
      const c = q.state.data?.find((x) => x.id === initial.id);
      return c && (c.pollStatus === 'ok' || c.pollStatus === 'error') ? false : 2000;
    },
  });
  const cloud = clouds.data?.find((c) => c.id === initial.id) ?? initial;
  const synced = cloud.pollStatus === 'ok';
  const failed = cloud.pollStatus === 'error';
  const meta = useProviderMeta()(cloud.provider);

  const close = () => {
    if (synced) void queryClient.invalidateQueries({ queryKey: machineKeys.all });
    if (!synced && !failed) toast.info(`${cloud.title} keeps syncing in the background`);
    onClose();
  };

  return (
    <Dialog
      open
      onClose={close}
      size="md"
      title={`${cloud.title} is connected`}
      footer={
        <>
          <Button onClick={close}>{synced || failed ? 'Done' : 'Close'}</Button>
          <ButtonLink to={`/machines?cloud=${cloud.id}`} variant="primary" onClick={close}>
            View its machines
          </ButtonLink>
        </>
      }
    >
      <ol className={styles.progress}>
        <li className={styles.done}>
          <span className={styles.progressIcon} aria-hidden="true">
            <CheckIcon />
          </span>
          {meta.label} accepted the credentials
        </li>
        <li className={synced ? styles.done : failed ? styles.failed : styles.active} role="status">
          <span className={styles.progressIcon} aria-hidden="true">
            {synced ? <CheckIcon /> : failed ? '!' : <Spinner size="sm" />}
          </span>
          {synced
            ? `Found ${plural(cloud.machineCount, 'machine')}${Number(cloud.monthlyCost) > 0 ? `, ${formatMoney(cloud.monthlyCost)} a month` : ''}`
            : failed
              ? 'The first sync failed'
              : 'Reading machines, volumes and the catalog…'}
        </li>
      </ol>
      {failed && cloud.lastError && <Alert>{cloud.lastError}</Alert>}
    </Dialog>
  );
}
