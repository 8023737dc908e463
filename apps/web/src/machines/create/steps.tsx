import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { ApiError, errorText } from '../../api/errors';
import type { Image, MachineEstimate, Size } from '../../api/types';
import { ExpirationFields } from '../../automation/ExpirationFields';
import { LocationField } from '../../clouds/LocationField';
import { formatMemory, formatMoney } from '../../format/number';
import { useProviderMeta } from '../../providers/meta';
import { ProviderIcon } from '../../providers/ProviderIcon';
import { Alert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { Card } from '../../ui/Card';
import { SelectField, TextAreaField } from '../../ui/Field';
import forms from '../../ui/forms.module.css';
import { RefreshIcon } from '../../ui/icons';
import layout from '../../ui/layout.module.css';
import { Skeleton } from '../../ui/Skeleton';
import { TextField } from '../../ui/TextField';
import styles from '../CreateMachinePage.module.css';
import { ImagePicker, SizePicker } from './pickers';
import type { CreateMachineForm } from './useCreateMachineForm';

/** Step 1: the cloud and the location in it. */
export function WhereStep({ form }: { form: CreateMachineForm }) {
  const providerMeta = useProviderMeta();
  const { cloud, clouds, locations, values, errors } = form;
  return (
    <Step number={1} title="Where it runs">
      <div className={forms.twoColumns}>
        <SelectField label="Cloud" value={cloud.id} onChange={(e) => form.setCloudId(e.target.value)}>
          {clouds.map((c) => (
            <option key={c.id} value={c.id}>
              {c.title} ({providerMeta(c.provider).label})
            </option>
          ))}
        </SelectField>
        <LocationField
          locations={locations}
          value={values.location}
          onChange={(location) => form.set('location', location)}
          error={errors.location}
          prompt="Choose a location"
        />
      </div>
      {form.catalogEmpty && (
        <Alert tone="info">
          {cloud.title}'s sizes, images and locations haven't been read yet; this page checks again every few
          seconds.{' '}
          <Button
            size="xs"
            icon={<RefreshIcon />}
            onClick={() => form.refreshCatalog.mutate()}
            busy={form.refreshCatalog.isPending}
          >
            Refresh now
          </Button>
        </Alert>
      )}
    </Step>
  );
}

/** Step 2: the size, cheapest first. */
export function SizeStep({ form }: { form: CreateMachineForm }) {
  return (
    <Step number={2} title="Size" error={form.errors.size}>
      {form.sizes.isPending ? (
        <Skeleton width="60%" />
      ) : (
        <SizePicker
          sizes={form.availableSizes}
          value={form.values.size}
          onChange={(v) => form.set('size', v)}
          location={form.values.location}
        />
      )}
    </Step>
  );
}

/** Step 3: an image that boots on the chosen size. */
export function ImageStep({ form }: { form: CreateMachineForm }) {
  return (
    <Step number={3} title="Image" error={form.errors.image}>
      {form.images.isPending ? (
        <Skeleton width="60%" />
      ) : (
        <ImagePicker
          images={form.images.data ?? []}
          value={form.values.image}
          onChange={(v) => form.set('image', v)}
          location={form.values.location}
          size={form.chosenSize}
        />
      )}
    </Step>
  );
}

/** Step 4: name, tags, key, expiration and a first-boot script. */
export function DetailsStep({ form }: { form: CreateMachineForm }) {
  const { values, errors, keys } = form;
  return (
    <Step number={4} title="Name and details">
      <div className={forms.twoColumns}>
        <TextField
          ref={form.nameRef}
          label="Name"
          placeholder="web-1"
          value={values.name}
          onChange={(e) => form.set('name', e.target.value)}
          error={errors.name}
          autoComplete="off"
          spellCheck={false}
          maxLength={200}
        />
        <TextField
          label="Tags"
          aside="optional"
          placeholder="team=web, env=staging"
          value={values.tags}
          onChange={(e) => form.set('tags', e.target.value)}
          error={errors.tags}
          hint="key=value pairs, separated by commas"
          autoComplete="off"
          spellCheck={false}
        />
      </div>
      {keys.data && (
        <SelectField
          label="SSH key"
          aside="optional"
          value={form.chosenKeyId}
          onChange={(e) => form.setSshKeyId(e.target.value)}
          hint={
            keys.data.length === 0 ? (
              <>
                No keys yet: add one on the <Link to="/keys">Keys</Link> page to log in to new machines.
              </>
            ) : (
              'Installed on the machine so you (and Overcast) can log in.'
            )
          }
        >
          <option value="">No key</option>
          {keys.data.map((k) => (
            <option key={k.id} value={k.id}>
              {k.name}
              {k.isDefault ? ' (default)' : ''} · {k.fingerprint.slice(0, 20)}…
            </option>
          ))}
        </SelectField>
      )}
      <ExpirationFields value={form.expiration} onChange={form.setExpiration} />
      <TextAreaField
        label="Post-deploy script"
        aside="optional"
        mono
        rows={5}
        placeholder={'#!/bin/sh\napt-get update && apt-get install -y nginx'}
        value={values.script}
        onChange={(e) => form.set('script', e.target.value)}
        hint="Runs once at first boot, as cloud-init user data."
        maxLength={65_536}
      />
    </Step>
  );
}

/** What will be created and what it costs, with the button; a refusal is told here. */
export function Summary({ form }: { form: CreateMachineForm }) {
  const providerMeta = useProviderMeta();
  const { cloud, chosenSize, chosenImage, chosenLocation, create, estimate } = form;
  return (
    <aside className={styles.summary} aria-label="Summary">
      <Card title="Summary">
        <dl className={styles.summaryList}>
          <div>
            <dt>Cloud</dt>
            <dd className={layout.inline}>
              <ProviderIcon provider={cloud.provider} decorative />
              {cloud.title}
            </dd>
          </div>
          <div>
            <dt>Location</dt>
            <dd>{chosenLocation?.name ?? <Missing />}</dd>
          </div>
          <div>
            <dt>Size</dt>
            <dd>{chosenSize ? describeSize(chosenSize) : <Missing />}</dd>
          </div>
          <div>
            <dt>Image</dt>
            <dd className={layout.break}>{chosenImage ? describeImage(chosenImage) : <Missing />}</dd>
          </div>
          <div>
            <dt>Name</dt>
            <dd className={layout.break}>{form.values.name || <Missing />}</dd>
          </div>
        </dl>
        <div className={styles.price}>
          <span>Estimated cost</span>
          <strong>
            {estimate.data?.monthly
              ? `${formatMoney(estimate.data.monthly, 'USD')}/mo`
              : chosenSize?.priceMonthly
                ? `${formatMoney(chosenSize.priceMonthly, chosenSize.currency)}/mo`
                : '—'}
          </strong>
        </div>
        {estimate.data && <BudgetLines estimate={estimate.data} />}
        {create.isError && (
          <Alert>
            <p className={styles.errorText}>{errorText(create.error)}</p>
            <p className={styles.errorHint}>{hintFor(create.error)}</p>
          </Alert>
        )}
        <Button type="submit" variant="primary" block busy={create.isPending}>
          {create.isPending
            ? `Asking ${providerMeta(cloud.provider).label}…`
            : estimate.data?.needsApproval
              ? 'Ask an admin to approve'
              : 'Create machine'}
        </Button>
      </Card>
    </aside>
  );
}

/** What remains of each budget that applies, after this machine, and any limit it would meet. */
function BudgetLines({ estimate }: { estimate: MachineEstimate }) {
  if (!estimate.budgets.length && !estimate.refusal) return null;
  return (
    <div className={styles.budgets} role="status" aria-label="Budgets">
      {estimate.budgets.map((b) => {
        const over = Number(b.remaining) < 0;
        return (
          <p key={b.name} className={over ? styles.budgetOver : layout.muted}>
            {over
              ? `${b.name}: ${formatMoney(b.remaining.replace('-', ''), 'USD')} over its ${formatMoney(b.budget, 'USD')} monthly budget`
              : `${b.name}: ${formatMoney(b.remaining, 'USD')} of ${formatMoney(b.budget, 'USD')} a month would remain`}
          </p>
        );
      })}
      {estimate.refusal && <p className={styles.budgetOver}>{estimate.refusal}</p>}
      {estimate.needsApproval && (
        <p>
          Over the budget, this machine is made only once an admin approves it; you can follow it on
          Approvals.
        </p>
      )}
    </div>
  );
}

function Step({
  number,
  title,
  error,
  children,
}: {
  number: number;
  title: string;
  error?: string | undefined;
  children: ReactNode;
}) {
  return (
    <fieldset className={styles.step}>
      <legend className={styles.legend}>
        <span className={styles.stepNumber} aria-hidden="true">
          {number}
        </span>
        {title}
      </legend>
      {error && (
        <p className={styles.stepError} role="alert">
          {error}
        </p>
      )}
      {children}
    </fieldset>
  );
}

function Missing() {
  return <span className={styles.missing}>Not chosen</span>;
}

function describeSize(s: Size): string {
  const parts = [s.name];
  if (s.cpus !== null) parts.push(`${s.cpus} vCPU`);
  if (s.memoryMb !== null) parts.push(formatMemory(s.memoryMb));
  if (s.architectures.length > 0) parts.push(s.architectures.join('/'));
  return parts.join(' · ');
}

function describeImage(i: Image): string {
  return i.architecture ? `${i.name} · ${i.architecture}` : i.name;
}

function hintFor(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 422 || error.status === 502)
      return 'The provider refused it. Try another size, image or location, or check the quota of the account.';
    if (error.status === 400) return 'Correct the field above and try again.';
    if (error.code === 'quota_exceeded') return 'Nothing was created. Choose what fits, or ask an admin.';
    if (error.status === 409) return 'Enable the cloud on the Clouds page, or pick another cloud.';
    if (error.status === 403) return 'Your role cannot create machines.';
  }
  return 'Nothing was created. Try again.';
}
