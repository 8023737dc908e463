import { parseTag } from '@overcast/contracts/tags';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { cloudKeys, cloudsQuery, imagesQuery, locationsQuery, refreshCloud, sizesQuery } from '../api/clouds';
import { ApiError, errorText } from '../api/errors';
import { sshKeysQuery } from '../api/keys';
import { createMachine, machineDetailQuery, machineKeys } from '../api/machines';
import type { Cloud, Image, Machine, Size } from '../api/types';
import { usePermissions } from '../auth/permissions';
import { type ExpirationDraft, ExpirationFields, expirationRequest } from '../automation/ExpirationFields';
import { NewContainerShortcut } from '../clouds/NewContainerShortcut';
import { formatMemory, formatMoney } from '../format/number';
import { providerMeta } from '../providers/meta';
import { ProviderIcon } from '../providers/ProviderIcon';
import { Alert } from '../ui/Alert';
import { Button, ButtonLink } from '../ui/Button';
import { Card } from '../ui/Card';
import { EmptyState } from '../ui/EmptyState';
import { SelectField, TextAreaField } from '../ui/Field';
import { CheckIcon, RefreshIcon, SearchIcon, ServerIcon } from '../ui/icons';
import { Page } from '../ui/Page';
import { Skeleton } from '../ui/Skeleton';
import { Spinner } from '../ui/Spinner';
import { TextField } from '../ui/TextField';
import { toast } from '../ui/toast';
import styles from './CreateMachinePage.module.css';

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

type Errors = Partial<Record<'name' | 'location' | 'size' | 'image' | 'tags', string>>;

export function CreateMachinePage() {
  const clouds = useQuery(cloudsQuery);
  const permissions = usePermissions();
  const [created, setCreated] = useState<{ machine: Machine; cloud: Cloud } | null>(null);
  const creatable = (clouds.data ?? []).filter((c) => c.enabled && providerMeta(c.provider).canCreate);

  if (created) {
    return (
      <Page title={`Creating ${created.machine.name}`} back={{ to: '/machines', label: 'Machines' }}>
        <CreationProgress
          machine={created.machine}
          cloud={created.cloud}
          onAnother={() => setCreated(null)}
        />
      </Page>
    );
  }
  return (
    <Page
      title="Create a machine"
      back={{ to: '/machines', label: 'Machines' }}
      description="Pick where it runs, its size and image, then name it. It appears in Machines right away."
    >
      {clouds.data && permissions.can('machines', 'create') && <NewContainerShortcut clouds={clouds.data} />}
      {clouds.isPending ? (
        <Card>
          <Skeleton width="50%" />
        </Card>
      ) : clouds.isError ? (
        <Alert>{errorText(clouds.error)}</Alert>
      ) : !permissions.can('machines', 'create') ? (
        <Alert tone="info">
          Your role can view machines but not create them. Ask an admin of your organization.
        </Alert>
      ) : creatable.length === 0 ? (
        <EmptyState
          icon={<ServerIcon />}
          title="No cloud to create machines in"
          actions={
            <ButtonLink to="/clouds" variant="primary">
              Go to Clouds
            </ButtonLink>
          }
        >
          <p>
            Add an AWS, Google Cloud, DigitalOcean or KVM cloud (or enable one) to create machines from here;
            a Docker engine takes containers.
          </p>
        </EmptyState>
      ) : (
        <CreateForm clouds={creatable} onCreated={(machine, cloud) => setCreated({ machine, cloud })} />
      )}
    </Page>
  );
}

function CreateForm({
  clouds,
  onCreated,
}: {
  clouds: Cloud[];
  onCreated: (machine: Machine, cloud: Cloud) => void;
}) {
  const queryClient = useQueryClient();
  const [params] = useSearchParams();
  const [cloudId, setCloudId] = useState(() => {
    const wanted = params.get('cloud');
    return clouds.find((c) => c.id === wanted)?.id ?? clouds[0]!.id;
  });
  const cloud = clouds.find((c) => c.id === cloudId) ?? clouds[0]!;
  const [location, setLocation] = useState('');
  const [size, setSize] = useState('');
  const [image, setImage] = useState('');
  const [name, setName] = useState('');
  const [tags, setTags] = useState('');
  const [script, setScript] = useState('');
  const [expiration, setExpiration] = useState<ExpirationDraft>({
    at: '',
    action: 'stop',
    notifyMinutes: '',
  });
  // undefined until the user picks: the organization's default key is the suggestion.
  const [sshKeyId, setSshKeyId] = useState<string | undefined>();
  const [errors, setErrors] = useState<Errors>({});
  const keys = useQuery({ ...sshKeysQuery, retry: false });
  const chosenKeyId = sshKeyId ?? keys.data?.find((k) => k.isDefault)?.id ?? '';
  const nameRef = useRef<HTMLInputElement>(null);

  // While the first catalog poll hasn't finished, look again every few seconds.
  const waitForCatalog = (items: unknown[] | undefined) => (items && items.length === 0 ? 4000 : false);
  const locations = useQuery({
    ...locationsQuery(cloud.id),
    refetchInterval: (q) => waitForCatalog(q.state.data),
  });
  // Sizes and images are read for the chosen location: what can launch there, priced for its region.
  const sizes = useQuery({
    ...sizesQuery(cloud.id, location),
    refetchInterval: (q) => waitForCatalog(q.state.data),
  });
  const images = useQuery({
    ...imagesQuery(cloud.id, location),
    refetchInterval: (q) => waitForCatalog(q.state.data),
  });

  const availableSizes = useMemo(
    () => [...(sizes.data ?? [])].sort((a, b) => price(a) - price(b) || a.name.localeCompare(b.name)),
    [sizes.data],
  );

  // A choice that no longer applies (another cloud or location) is cleared.
  useEffect(() => {
    if (location && locations.data && !locations.data.some((l) => l.externalId === location)) setLocation('');
  }, [locations.data, location]);
  useEffect(() => {
    if (size && sizes.data && !availableSizes.some((s) => s.externalId === size)) setSize('');
  }, [availableSizes, size, sizes.data]);
  useEffect(() => {
    const onSize = sizes.data?.find((s) => s.externalId === size);
    if (image && images.data && !images.data.some((i) => i.externalId === image && bootsOn(i, onSize)))
      setImage('');
  }, [images.data, image, sizes.data, size]);

  const create = useMutation({
    mutationFn: () =>
      createMachine(cloud.id, {
        name,
        size,
        image,
        location,
        ...(Object.keys(parseTags(tags).tags).length ? { tags: parseTags(tags).tags } : {}),
        ...(script.trim() ? { postDeployScript: script } : {}),
        ...(chosenKeyId ? { sshKeyId: chosenKeyId } : {}),
        ...(expiration.at ? { expiration: expirationRequest(expiration)! } : {}),
      }),
    onSuccess: (machine) => {
      void queryClient.invalidateQueries({ queryKey: machineKeys.lists() });
      toast.success(`${providerMeta(cloud.provider).label} is creating ${machine.name}`);
      onCreated(machine, cloud);
    },
    onError: (error) => {
      // A 400 names the field it is about; point at it.
      if (error instanceof ApiError && error.status === 400) {
        const field = (['name', 'size', 'image', 'location', 'tags'] as const).find((f) =>
          error.message.toLowerCase().includes(f),
        );
        if (field) setErrors({ [field]: error.message });
      }
    },
  });

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const next: Errors = {};
    if (!location) next.location = 'Choose where the machine runs.';
    if (!size) next.size = 'Choose a size.';
    if (!image) next.image = 'Choose an image.';
    if (!name.trim()) next.name = 'Give the machine a name.';
    else if (!NAME_PATTERN.test(name))
      next.name = 'Use letters, digits, dots, dashes and underscores, starting with a letter or digit.';
    const parsedTags = parseTags(tags);
    if (parsedTags.error) next.tags = parsedTags.error;
    setErrors(next);
    if (Object.keys(next).length) {
      if (next.name && !next.location && !next.size && !next.image) nameRef.current?.focus();
      return;
    }
    create.mutate();
  }

  // Empty lists for a chosen location mean nothing is offered there, not an unread catalog.
  const catalogEmpty =
    (locations.data && locations.data.length === 0) ||
    (!location && ((sizes.data && sizes.data.length === 0) || (images.data && images.data.length === 0)));
  const chosenSize = sizes.data?.find((s) => s.externalId === size);
  const chosenImage = images.data?.find((i) => i.externalId === image);
  const chosenLocation = locations.data?.find((l) => l.externalId === location);
  const refresh = useMutation({
    mutationFn: () => refreshCloud(cloud.id),
    onSuccess: () => {
      toast.info(`Reading the catalog of ${cloud.title}…`);
      void queryClient.invalidateQueries({ queryKey: cloudKeys.all });
    },
  });

  return (
    <form className={styles.layout} onSubmit={onSubmit} noValidate aria-busy={create.isPending}>
      <div className={styles.steps}>
        <Step number={1} title="Where it runs">
          <div className={styles.twoColumns}>
            <SelectField label="Cloud" value={cloud.id} onChange={(e) => setCloudId(e.target.value)}>
              {clouds.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.title} ({providerMeta(c.provider).label})
                </option>
              ))}
            </SelectField>
            <SelectField
              label="Location"
              value={location}
              onChange={(e) => {
                setLocation(e.target.value);
                setErrors({ ...errors, location: undefined });
              }}
              error={errors.location}
              disabled={!locations.data?.length}
            >
              <option value="">{locations.isPending ? 'Loading…' : 'Choose a location'}</option>
              {(locations.data ?? []).map((l) => (
                <option key={l.externalId} value={l.externalId}>
                  {l.name === l.externalId ? l.name : `${l.name} (${l.externalId})`}
                </option>
              ))}
            </SelectField>
          </div>
          {catalogEmpty && (
            <Alert tone="info">
              {cloud.title}'s sizes, images and locations haven't been read yet; this page checks again every
              few seconds.{' '}
              <Button
                size="xs"
                icon={<RefreshIcon />}
                onClick={() => refresh.mutate()}
                busy={refresh.isPending}
              >
                Refresh now
              </Button>
            </Alert>
          )}
        </Step>

        <Step number={2} title="Size" error={errors.size}>
          {sizes.isPending ? (
            <Skeleton width="60%" />
          ) : (
            <SizePicker
              sizes={availableSizes}
              value={size}
              onChange={(v) => {
                setSize(v);
                setErrors({ ...errors, size: undefined });
              }}
              location={location}
            />
          )}
        </Step>

        <Step number={3} title="Image" error={errors.image}>
          {images.isPending ? (
            <Skeleton width="60%" />
          ) : (
            <ImagePicker
              images={images.data ?? []}
              value={image}
              onChange={(v) => {
                setImage(v);
                setErrors({ ...errors, image: undefined });
              }}
              location={location}
              size={chosenSize}
            />
          )}
        </Step>

        <Step number={4} title="Name and details">
          <div className={styles.twoColumns}>
            <TextField
              ref={nameRef}
              label="Name"
              placeholder="web-1"
              value={name}
              onChange={(e) => {
                setName(e.target.value);
                setErrors({ ...errors, name: undefined });
              }}
              error={errors.name}
              autoComplete="off"
              spellCheck={false}
              maxLength={200}
            />
            <TextField
              label="Tags"
              aside="optional"
              placeholder="team=web, env=staging"
              value={tags}
              onChange={(e) => {
                setTags(e.target.value);
                setErrors({ ...errors, tags: undefined });
              }}
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
              value={chosenKeyId}
              onChange={(e) => setSshKeyId(e.target.value)}
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
          <ExpirationFields value={expiration} onChange={setExpiration} />
          <TextAreaField
            label="Post-deploy script"
            aside="optional"
            mono
            rows={5}
            placeholder={'#!/bin/sh\napt-get update && apt-get install -y nginx'}
            value={script}
            onChange={(e) => setScript(e.target.value)}
            hint="Runs once at first boot, as cloud-init user data."
            maxLength={65_536}
          />
        </Step>
      </div>

      <aside className={styles.summary} aria-label="Summary">
        <Card title="Summary">
          <dl className={styles.summaryList}>
            <div>
              <dt>Cloud</dt>
              <dd className={styles.inline}>
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
              <dd className={styles.break}>{chosenImage ? describeImage(chosenImage) : <Missing />}</dd>
            </div>
            <div>
              <dt>Name</dt>
              <dd className={styles.break}>{name || <Missing />}</dd>
            </div>
          </dl>
          <div className={styles.price}>
            <span>Estimated cost</span>
            <strong>
              {chosenSize?.priceMonthly
                ? `${formatMoney(chosenSize.priceMonthly, chosenSize.currency)}/mo`
                : '—'}
            </strong>
          </div>
          {create.isError && (
            <Alert>
              <p className={styles.errorText}>{errorText(create.error)}</p>
              <p className={styles.errorHint}>{hintFor(create.error)}</p>
            </Alert>
          )}
          <Button type="submit" variant="primary" block busy={create.isPending}>
            {create.isPending ? `Asking ${providerMeta(cloud.provider).label}…` : 'Create machine'}
          </Button>
        </Card>
      </aside>
    </form>
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

const price = (s: Size) => (s.priceMonthly === null ? Number.POSITIVE_INFINITY : Number(s.priceMonthly));

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

/** An image boots on a size when either does not say its architecture, or they share one. */
const bootsOn = (image: Image, size: Size | undefined) =>
  !size ||
  !image.architecture ||
  size.architectures.length === 0 ||
  size.architectures.includes(image.architecture);

function SizePicker({
  sizes,
  value,
  onChange,
  location,
}: {
  sizes: Size[];
  value: string;
  onChange: (value: string) => void;
  location: string;
}) {
  const [filter, setFilter] = useState('');
  const shown = sizes.filter((s) => `${s.name} ${s.externalId}`.toLowerCase().includes(filter.toLowerCase()));
  if (sizes.length === 0) {
    return (
      <p className={styles.empty}>
        {location ? 'No sizes are offered in this location.' : 'No sizes are known for this cloud yet.'}
      </p>
    );
  }
  return (
    <div className={styles.picker}>
      {sizes.length > 8 && <PickerSearch value={filter} onChange={setFilter} label="Filter sizes" />}
      <div className={styles.options} role="radiogroup" aria-label="Size">
        <div className={`${styles.option} ${styles.optionHead}`} aria-hidden="true">
          <span />
          <span>Size</span>
          <span>vCPU</span>
          <span>Memory</span>
          <span>Disk</span>
          <span className={styles.end}>Per month</span>
        </div>
        {shown.slice(0, 60).map((s) => (
          <label
            key={s.externalId}
            className={`${styles.option} ${value === s.externalId ? styles.chosen : ''}`}
          >
            <input
              type="radio"
              name="size"
              value={s.externalId}
              checked={value === s.externalId}
              onChange={() => onChange(s.externalId)}
            />
            <span className={styles.optionName}>
              {s.name}
              {s.architectures.length > 0 && (
                <span className={styles.optionArch}> {s.architectures.join('/')}</span>
              )}
            </span>
            <span>{s.cpus ?? '—'}</span>
            <span>{formatMemory(s.memoryMb)}</span>
            <span>{s.diskGb === null ? '—' : `${s.diskGb} GB`}</span>
            <span className={`${styles.end} ${styles.num}`}>
              {s.priceMonthly ? formatMoney(s.priceMonthly, s.currency) : '—'}
            </span>
          </label>
        ))}
        {shown.length === 0 && <p className={styles.empty}>No size matches “{filter}”.</p>}
      </div>
    </div>
  );
}

function ImagePicker({
  images,
  value,
  onChange,
  location,
  size,
}: {
  images: Image[];
  value: string;
  onChange: (value: string) => void;
  location: string;
  size: Size | undefined;
}) {
  const [filter, setFilter] = useState('');
  const needle = filter.toLowerCase();
  const sorted = useMemo(
    () =>
      images
        .filter((i) => bootsOn(i, size))
        .sort(
          (a, b) =>
            Number(b.isPublic) - Number(a.isPublic) ||
            (a.os ?? '').localeCompare(b.os ?? '') ||
            a.name.localeCompare(b.name),
        ),
    [images, size],
  );
  const shown = sorted.filter((i) =>
    `${i.name} ${i.providerName} ${i.os ?? ''} ${i.architecture ?? ''} ${i.externalId}`
      .toLowerCase()
      .includes(needle),
  );
  if (images.length === 0)
    return (
      <p className={styles.empty}>
        {location ? 'No images are offered in this location.' : 'No images are known for this cloud yet.'}
      </p>
    );
  const limit = 40;
  return (
    <div className={styles.picker}>
      {sorted.length > 8 && <PickerSearch value={filter} onChange={setFilter} label="Filter images" />}
      <div className={styles.imageGrid} role="radiogroup" aria-label="Image">
        {shown.slice(0, limit).map((i) => (
          <label
            key={i.externalId}
            className={`${styles.imageOption} ${value === i.externalId ? styles.chosen : ''}`}
            title={i.providerName === i.externalId ? i.externalId : `${i.providerName} (${i.externalId})`}
          >
            <input
              type="radio"
              name="image"
              value={i.externalId}
              checked={value === i.externalId}
              onChange={() => onChange(i.externalId)}
            />
            <span className={styles.imageText}>
              <span className={styles.imageName}>{i.name}</span>
              <span className={styles.imageMeta}>
                {/* The id comes last: on a narrow card it is what gets cut, never the architecture. */}
                {[
                  i.architecture,
                  i.os,
                  i.isPublic ? 'public' : 'private',
                  i.externalId !== i.name ? i.externalId : null,
                ]
                  .filter(Boolean)
                  .join(' · ')}
              </span>
            </span>
          </label>
        ))}
      </div>
      {shown.length > limit && (
        <p className={styles.empty}>{shown.length - limit} more; type to narrow the list.</p>
      )}
      {shown.length === 0 && (
        <p className={styles.empty}>
          {filter ? `No image matches “${filter}”.` : `No image here runs on ${size?.name ?? 'this size'}.`}
        </p>
      )}
      {!location && <p className={styles.hint}>Choose a location to see only the images offered there.</p>}
      {size && size.architectures.length > 0 && sorted.length < images.length && (
        <p className={styles.hint}>
          Showing the {size.architectures.join('/')} images that run on {size.name}.
        </p>
      )}
    </div>
  );
}

function PickerSearch({
  value,
  onChange,
  label,
}: {
  value: string;
  onChange: (v: string) => void;
  label: string;
}) {
  return (
    <label className={styles.pickerSearch}>
      <SearchIcon className={styles.pickerSearchIcon} />
      <span className="visually-hidden">{label}</span>
      <input
        type="search"
        placeholder={`${label}…`}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') e.preventDefault();
        }}
        spellCheck={false}
      />
    </label>
  );
}

export function parseTags(text: string): { tags: Record<string, string>; error?: string } {
  const tags: Record<string, string> = {};
  for (const part of text.split(/[,\n]/)) {
    const item = part.trim();
    if (!item) continue;
    const { key, value } = parseTag(item);
    if (!key) return { tags, error: `“${item}” has no key; write tags as key=value.` };
    if (key.length > 128)
      return { tags, error: `The key “${key.slice(0, 20)}…” is longer than 128 characters.` };
    tags[key] = value;
  }
  return { tags };
}

function hintFor(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 422 || error.status === 502)
      return 'The provider refused it. Try another size, image or location, or check the quota of the account.';
    if (error.status === 400) return 'Correct the field above and try again.';
    if (error.status === 409) return 'Enable the cloud on the Clouds page, or pick another cloud.';
    if (error.status === 403) return 'Your role cannot create machines.';
  }
  return 'Nothing was created. Try again.';
}

/** Follows the new machine until it runs; every step comes from the live stream. */
function CreationProgress({
  machine,
  cloud,
  onAnother,
}: {
  machine: Machine;
  cloud: Cloud;
  onAnother: () => void;
}) {
  const detail = useQuery({
    ...machineDetailQuery(machine.id),
    // The stream refreshes it on every change; this is only a safety net.
    refetchInterval: (q) => (q.state.data?.machine.state === 'running' ? false : 5000),
  });
  const current = detail.data?.machine ?? machine;
  const state = current.state;
  const running = state === 'running';
  const failed = state === 'error' || state === 'terminated' || state === 'missing';
  const provider = providerMeta(cloud.provider).label;
  const started = useRef(Date.now());
  const [elapsed, setElapsed] = useState(0);
  useEffect(() => {
    if (running || failed) return;
    const timer = setInterval(() => setElapsed(Math.round((Date.now() - started.current) / 1000)), 1000);
    return () => clearInterval(timer);
  }, [running, failed]);

  const steps = [
    { label: `${provider} accepted the request`, done: true },
    { label: running ? 'Booted' : `Booting (${state})`, done: running, active: !running && !failed },
    {
      label: running ? `Running${current.publicIps[0] ? ` at ${current.publicIps[0]}` : ''}` : 'Running',
      done: running,
    },
  ];

  return (
    <Card title={current.name} meta={`${cloud.title} · ${current.location ?? ''}`}>
      <div className={styles.progress}>
        <ol className={styles.progressSteps}>
          {steps.map((step) => (
            <li
              key={step.label}
              className={step.done ? styles.stepDone : step.active ? styles.stepActive : styles.stepTodo}
            >
              <span className={styles.stepIcon} aria-hidden="true">
                {step.done ? <CheckIcon /> : step.active ? <Spinner size="sm" /> : null}
              </span>
              {step.label}
            </li>
          ))}
        </ol>
        <p className={styles.progressNote} role="status">
          {running
            ? `${current.name} is running.`
            : failed
              ? `${current.name} is ${state}. ${provider} may have rejected it after accepting the request; open the machine to see its history.`
              : `Waiting for ${provider} to boot it… ${elapsed > 0 ? `${elapsed} s` : ''}`}
        </p>
        <div className={styles.progressActions}>
          <ButtonLink to={`/machines/${machine.id}`} variant={running ? 'primary' : 'secondary'}>
            Open {current.name}
          </ButtonLink>
          <Button onClick={onAnother}>Create another</Button>
          <Link to="/machines" className={styles.link}>
            Back to Machines
          </Link>
        </div>
      </div>
    </Card>
  );
}
