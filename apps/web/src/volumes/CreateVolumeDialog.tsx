import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { locationsQuery } from '../api/clouds';
import { ApiError, errorText } from '../api/errors';
import type { Cloud } from '../api/types';
import { createVolume, volumeKeys } from '../api/volumes';
import { providerMeta } from '../providers/meta';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { Dialog } from '../ui/Dialog';
import { SelectField } from '../ui/Field';
import forms from '../ui/forms.module.css';
import layout from '../ui/layout.module.css';
import { TextField } from '../ui/TextField';
import { toast } from '../ui/toast';
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
  const usable = clouds.filter((c) => c.enabled && c.provider !== 'ssh_host');
  return <CreateVolume onClose={onClose} clouds={usable} />;
}

function CreateVolume({ onClose, clouds }: { onClose: () => void; clouds: Cloud[] }) {
  const queryClient = useQueryClient();
  const [cloudId, setCloudId] = useState(clouds[0]?.id ?? '');
  const [name, setName] = useState('');
  const [size, setSize] = useState('10');
  const [location, setLocation] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const cloud = clouds.find((c) => c.id === cloudId);
  const locations = useQuery({ ...locationsQuery(cloudId), enabled: Boolean(cloudId) });

  const create = useMutation({
    mutationFn: () => createVolume(cloudId, { name, sizeGb: Number(size), location }),
    onSuccess: () => {
      markCreate({ cloudId, cloudTitle: cloud?.title ?? '', name, sizeGb: Number(size), location });
      toast.success(`Creating ${name}`, {
        description: 'It appears in the list when the provider confirms.',
      });
      void queryClient.invalidateQueries({ queryKey: volumeKeys.all });
      onClose();
    },
    onError: (error) => {
      if (error instanceof ApiError && error.status === 400) {
        const field = ['name', 'sizeGb', 'location'].find((f) => error.message.includes(f));
        if (field) setErrors({ [field === 'sizeGb' ? 'size' : field]: error.message });
      }
    },
  });

  function onSubmit(event: FormEvent) {
    event.preventDefault();
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
    <Dialog
      open
      onClose={onClose}
      busy={create.isPending}
      size="sm"
      title="Create a volume"
      description="A block storage disk you can attach to a machine in the same location."
      footer={
        <>
          <Button onClick={onClose} disabled={create.isPending}>
            Cancel
          </Button>
          <Button type="submit" form="create-volume" variant="primary" busy={create.isPending}>
            Create volume
          </Button>
        </>
      }
    >
      <form id="create-volume" className={layout.stack} onSubmit={onSubmit} noValidate>
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
          <TextField
            label="Size"
            aside="GB"
            type="number"
            min={1}
            max={65_536}
            value={size}
            onChange={(e) => setSize(e.target.value)}
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
        {create.isError && <Alert>{errorText(create.error)}</Alert>}
      </form>
    </Dialog>
  );
}
