import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { locationsQuery } from '../api/clouds';
import { errorField } from '../api/errors';
import type { Cloud } from '../api/types';
import { createVolume, volumeKeys } from '../api/volumes';
import { useProviderMeta } from '../providers/meta';
import { Dialog } from '../ui/Dialog';
import { SelectField } from '../ui/Field';
import { FormDialog } from '../ui/FormDialog';
import forms from '../ui/forms.module.css';
import layout from '../ui/layout.module.css';
import { TextField } from '../ui/TextField';
import { useResourceMutation } from '../ui/useResourceMutation';
import { NumberField } from '../ui/ValueFields';
import { markCreate } from './pending';

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function CreateVolumeDialog({
  open,
  onClose,
  clouds,
}: {
  open: boolean;
  onClose: () => void;
  clouds: Cloud[];
}) {
  if (!open) return null;
  return <CreateVolume onClose={onClose} all={clouds} />;
}

function CreateVolume({ onClose, all }: { onClose: () => void; all: Cloud[] }) {
  const providerMeta = useProviderMeta();
  const clouds = all.filter((c) => c.enabled && providerMeta(c.provider).features.volumes);
  const [cloudId, setCloudId] = useState(clouds[0]?.id ?? '');
  const [name, setName] = useState('');
  const [size, setSize] = useState('10');
  const [location, setLocation] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const cloud = clouds.find((c) => c.id === cloudId);
  const locations = useQuery({ ...locationsQuery(cloudId), enabled: Boolean(cloudId) });

  const create = useResourceMutation({
    mutationFn: () => createVolume(cloudId, { name, sizeGb: Number(size), location }),
    invalidates: [volumeKeys.all],
    success: `Creating ${name}`,
    successDescription: 'It appears in the list when the provider confirms.',
    onSuccess: () => {
      markCreate({ cloudId, cloudTitle: cloud?.title ?? '', name, sizeGb: Number(size), location });
      onClose();
    },
    onError: (error) => {
      // The request's sizeGb is the form's size.
      const field = errorField(error, ['name', 'sizeGb', 'location'] as const);
      if (field) setErrors({ [field === 'sizeGb' ? 'size' : field]: error.message });
    },
  });

  function onSubmit() {
    const next: Record<string, string> = {};
    if (!cloudId) next.cloud = 'Choose a cloud.';
    if (!NAME_PATTERN.test(name))
      next.name = name ? 'Use letters, digits, dots, dashes and underscores.' : 'Give the volume a name.';
    const gb = Number(size);
    if (!Number.isInteger(gb) || gb < 1 || gb > 65_536) next.size = 'A whole number of GB, from 1 to 65,536.';
    if (!location) next.location = 'Choose a location; attach it to machines in the same place.';
    setErrors(next);
    if (Object.keys(next).length === 0) create.mutate();
  }

  if (clouds.length === 0) {
    return (
      <Dialog open onClose={onClose} size="sm" title="Create a volume">
        <p className={layout.note}>
          No enabled cloud supports volumes. Add or enable one on the Clouds page.
        </p>
      </Dialog>
    );
  }

  return (
    <FormDialog
      onClose={onClose}
      busy={create.isPending}
      size="sm"
      title="Create a volume"
      description="A block storage disk you can attach to a machine in the same location."
      formId="create-volume"
      noValidate
      submitLabel="Create volume"
      error={create.error}
      onSubmit={onSubmit}
    >
      <SelectField
        label="Cloud"
        value={cloudId}
        onChange={(e) => {
          setCloudId(e.target.value);
          setLocation('');
        }}
        error={errors.cloud}
      >
        {clouds.map((c) => (
          <option key={c.id} value={c.id}>
            {c.title} ({providerMeta(c.provider).label})
          </option>
        ))}
      </SelectField>
      <TextField
        label="Name"
        placeholder="data-1"
        value={name}
        onChange={(e) => setName(e.target.value)}
        error={errors.name}
        autoComplete="off"
        spellCheck={false}
        maxLength={200}
      />
      <div className={forms.twoColumns}>
        <NumberField
          label="Size"
          aside="GB"
          min={1}
          max={65_536}
          value={size}
          onChange={setSize}
          error={errors.size}
        />
        <SelectField
          label="Location"
          value={location}
          onChange={(e) => setLocation(e.target.value)}
          error={errors.location}
          disabled={!locations.data?.length}
        >
          <option value="">{locations.isPending ? 'Loading…' : 'Choose…'}</option>
          {(locations.data ?? []).map((l) => (
            <option key={l.externalId} value={l.externalId}>
              {l.name === l.externalId ? l.name : `${l.name} (${l.externalId})`}
            </option>
          ))}
        </SelectField>
      </div>
    </FormDialog>
  );
}
