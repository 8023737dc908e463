import { formatTag } from '@overcast/contracts/tags';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { errorText } from '../api/errors';
import { machineKeys, removeMachineTag, setMachineTags } from '../api/machines';
import type { MachineDetail } from '../api/types';
import { patchMachineLists } from '../live/cache';
import { Alert } from '../ui/Alert';
import { Button, CloseButton } from '../ui/Button';
import { PlusIcon } from '../ui/icons';
import layout from '../ui/layout.module.css';
import { toast } from '../ui/toast';
import styles from './MachineDetailPage.module.css';

/** Overcast tags can be added and removed; the provider's own tags are shown read-only. */
export function TagsEditor({ detail, canEdit }: { detail: MachineDetail; canEdit: boolean }) {
  const queryClient = useQueryClient();
  const id = detail.machine.id;
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');

  // Tag changes don't come back on the stream: the detail is refetched and the rows patched here.
  const settle = (tags: Record<string, string>) => {
    patchMachineLists(queryClient, new Map([[id, (m) => ({ ...m, tags })]]));
    return queryClient.invalidateQueries({ queryKey: machineKeys.detail(id) });
  };

  const add = useMutation({
    mutationFn: ({ k, v }: { k: string; v: string }) => setMachineTags(id, { [k]: v }),
    onSuccess: async (_, { k, v }) => {
      setKey('');
      setValue('');
      await settle({ ...detail.machine.tags, [k]: v });
      toast.success(`Tagged ${detail.machine.name} with ${v ? `${k}=${v}` : k}`);
    },
  });
  const remove = useMutation({
    mutationFn: (k: string) => removeMachineTag(id, k),
    onSuccess: async (_, k) => {
      const tags = { ...detail.providerTags, ...detail.userTags };
      delete tags[k];
      if (k in detail.providerTags) tags[k] = detail.providerTags[k]!;
      await settle(tags);
      toast.success(`Removed the tag ${k}`);
    },
    onError: (error) => toast.error("Couldn't remove the tag", { description: errorText(error) }),
  });

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (key.trim()) add.mutate({ k: key.trim(), v: value });
  }

  const user = Object.entries(detail.userTags);
  const provider = Object.entries(detail.providerTags);

  return (
    <div className={layout.stack}>
      <div>
        <h3 className={styles.subheading}>Overcast tags</h3>
        {user.length === 0 ? (
          <p className={layout.note}>None yet.</p>
        ) : (
          <ul className={styles.chips}>
            {user.map(([k, v]) => (
              <li key={k} className={styles.chip}>
                <span>{formatTag(k, v)}</span>
                {canEdit && (
                  <CloseButton
                    label={`Remove tag ${k}`}
                    size="xs"
                    onClick={() => remove.mutate(k)}
                    busy={remove.isPending && remove.variables === k}
                  />
                )}
              </li>
            ))}
          </ul>
        )}
      </div>
      {canEdit && (
        <form className={styles.tagForm} onSubmit={onSubmit} aria-label="Add a tag">
          <input
            className={styles.tagInput}
            placeholder="key"
            aria-label="Tag key"
            value={key}
            onChange={(e) => setKey(e.target.value)}
            maxLength={128}
            spellCheck={false}
          />
          <input
            className={styles.tagInput}
            placeholder="value (optional)"
            aria-label="Tag value"
            value={value}
            onChange={(e) => setValue(e.target.value)}
            maxLength={256}
            spellCheck={false}
          />
          <Button type="submit" size="sm" icon={<PlusIcon />} busy={add.isPending} disabled={!key.trim()}>
            Add
          </Button>
        </form>
      )}
      {add.isError && <Alert>{errorText(add.error)}</Alert>}
      <div>
        <h3 className={styles.subheading}>From the provider</h3>
        {provider.length === 0 ? (
          <p className={layout.note}>None.</p>
        ) : (
          <ul className={styles.chips}>
            {provider.map(([k, v]) => (
              <li key={k} className={`${styles.chip} ${styles.chipMuted}`}>
                {formatTag(k, v)}
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
