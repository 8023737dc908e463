import { parseTag } from '@overcast/contracts/tags';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { cloudKeys, imagesQuery, locationsQuery, refreshCloud, sizesQuery } from '../../api/clouds';
import { errorField } from '../../api/errors';
import { limitKeys, machineEstimateQuery } from '../../api/governance';
import { sshKeysQuery } from '../../api/keys';
import { createMachine, machineKeys } from '../../api/machines';
import { stackKeys } from '../../api/stacks';
import type { Cloud, Image, Machine, Size } from '../../api/types';
import { type ExpirationDraft, expirationRequest } from '../../automation/ExpirationFields';
import { useProviderMeta } from '../../providers/meta';
import { useResourceMutation } from '../../ui/useResourceMutation';

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** The inputs of the form that an error can be about, named as in the request body. */
export const FIELDS = ['location', 'size', 'image', 'name', 'tags'] as const;
export type Field = (typeof FIELDS)[number];
export type Errors = Partial<Record<Field, string>>;

export interface Values {
  location: string;
  size: string;
  image: string;
  name: string;
  tags: string;
  script: string;
}

const EMPTY: Values = { location: '', size: '', image: '', name: '', tags: '', script: '' };

/** What the form checks before it asks the API; the API checks again. */
export function validate(values: Values): Errors {
  const errors: Errors = {};
  if (!values.location) errors.location = 'Choose where the machine runs.';
  if (!values.size) errors.size = 'Choose a size.';
  if (!values.image) errors.image = 'Choose an image.';
  if (!values.name.trim()) errors.name = 'Give the machine a name.';
  else if (!NAME_PATTERN.test(values.name))
    errors.name = 'Use letters, digits, dots, dashes and underscores, starting with a letter or digit.';
  const tags = parseTags(values.tags);
  if (tags.error) errors.tags = tags.error;
  return errors;
}

/**
 * The create-machine form: its values, the catalog they are chosen from, what is chosen,
 * checks, and the request. Errors the API sends about one input land on that input.
 */
export function useCreateMachineForm(clouds: Cloud[], onCreated: (machine: Machine, cloud: Cloud) => void) {
  const providerMeta = useProviderMeta();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [cloudId, setCloudId] = useState(() => {
    const wanted = params.get('cloud');
    return clouds.find((c) => c.id === wanted)?.id ?? clouds[0]!.id;
  });
  const cloud = clouds.find((c) => c.id === cloudId) ?? clouds[0]!;
  const [values, setValues] = useState<Values>(EMPTY);
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
  const { location, size, image } = values;

  /** Changes one input and clears what was said about it. */
  const set = (field: keyof Values, value: string) => {
    setValues((current) => ({ ...current, [field]: value }));
    setErrors((current) => (field in current ? { ...current, [field]: undefined } : current));
  };

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
  const chosenSize = sizes.data?.find((s) => s.externalId === size);
  const chosenImage = images.data?.find((i) => i.externalId === image);
  const chosenLocation = locations.data?.find((l) => l.externalId === location);

  // A choice that no longer applies (another cloud or location) is cleared.
  useEffect(() => {
    if (location && locations.data && !locations.data.some((l) => l.externalId === location))
      setValues((v) => ({ ...v, location: '' }));
  }, [locations.data, location]);
  useEffect(() => {
    if (size && sizes.data && !availableSizes.some((s) => s.externalId === size))
      setValues((v) => ({ ...v, size: '' }));
  }, [availableSizes, size, sizes.data]);
  useEffect(() => {
    const onSize = sizes.data?.find((s) => s.externalId === size);
    if (image && images.data && !images.data.some((i) => i.externalId === image && bootsOn(i, onSize)))
      setValues((v) => ({ ...v, image: '' }));
  }, [images.data, image, sizes.data, size]);

  // The cost and what remains of each budget, asked again as the size, place and image change.
  const estimate = useQuery({
    ...machineEstimateQuery(cloud.id, {
      size,
      ...(location ? { location } : {}),
      ...(image ? { image } : {}),
    }),
    enabled: Boolean(size),
    retry: false,
    placeholderData: keepPreviousData,
  });

  const create = useResourceMutation({
    mutationFn: () => {
      const tags = parseTags(values.tags).tags;
      return createMachine(cloud.id, {
        name: values.name,
        size,
        image,
        location,
        ...(Object.keys(tags).length ? { tags } : {}),
        ...(values.script.trim() ? { postDeployScript: values.script } : {}),
        ...(chosenKeyId ? { sshKeyId: chosenKeyId } : {}),
        ...(expiration.at ? { expiration: expirationRequest(expiration)! } : {}),
      });
    },
    invalidates: [machineKeys.lists(), limitKeys.all, stackKeys.requests()],
    success: (outcome) =>
      'machine' in outcome
        ? `${providerMeta(cloud.provider).label} is creating ${outcome.machine.name}`
        : `${outcome.request.machine?.name ?? 'The machine'} waits for an admin's approval`,
    // Over a budget that asks for approval, the request is kept: its page follows the decision.
    onSuccess: (outcome) =>
      'machine' in outcome ? onCreated(outcome.machine, cloud) : navigate('/deploy-requests'),
    onError: (error) => {
      const field = errorField(error, FIELDS);
      if (field) setErrors({ [field]: error.message });
    },
  });

  const refreshCatalog = useResourceMutation({
    mutationFn: () => refreshCloud(cloud.id),
    invalidates: [cloudKeys.all],
    success: `Reading the catalog of ${cloud.title}…`,
  });

  function submit() {
    const next = validate(values);
    setErrors(next);
    if (Object.keys(next).length) {
      if (next.name && !next.location && !next.size && !next.image) nameRef.current?.focus();
      return;
    }
    create.mutate();
  }

  // Empty lists for a chosen location mean nothing is offered there, not an unread catalog.
  const catalogEmpty = Boolean(
    (locations.data && locations.data.length === 0) ||
      (!location && ((sizes.data && sizes.data.length === 0) || (images.data && images.data.length === 0))),
  );

  return {
    clouds,
    cloud,
    setCloudId,
    values,
    set,
    errors,
    expiration,
    setExpiration,
    keys,
    chosenKeyId,
    setSshKeyId,
    locations,
    sizes,
    images,
    availableSizes,
    chosenSize,
    chosenImage,
    chosenLocation,
    catalogEmpty,
    estimate,
    refreshCatalog,
    create,
    submit,
    nameRef,
  };
}

export type CreateMachineForm = ReturnType<typeof useCreateMachineForm>;

const price = (s: Size) => (s.priceMonthly === null ? Number.POSITIVE_INFINITY : Number(s.priceMonthly));

/** An image boots on a size when either does not say its architecture, or they share one. */
export const bootsOn = (image: Image, size: Size | undefined) =>
  !size ||
  !image.architecture ||
  size.architectures.length === 0 ||
  size.architectures.includes(image.architecture);

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
