import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { teamsQuery } from '../api/organization';
import { publishCatalogItem, stackKeys } from '../api/stacks';
import { templatesQuery } from '../api/templates';
import type { Template } from '../api/types';
import { SelectField } from '../ui/Field';
import { FormDialog } from '../ui/FormDialog';
import forms from '../ui/forms.module.css';
import layout from '../ui/layout.module.css';
import { TextField } from '../ui/TextField';
import { useResourceMutation } from '../ui/useResourceMutation';

/** Publishing a template's current version to teams (admins); `template` chooses it in advance. */
export function PublishDialog({ template: chosen, onClose }: { template?: Template; onClose: () => void }) {
  const templates = useQuery(templatesQuery);
  const teams = useQuery(teamsQuery);
  const [templateId, setTemplateId] = useState(chosen?.id ?? '');
  const [name, setName] = useState(chosen?.name ?? '');
  const [description, setDescription] = useState('');
  const [teamIds, setTeamIds] = useState<string[]>([]);
  const template = templates.data?.find((t) => t.id === templateId);
  const publish = useResourceMutation({
    mutationFn: () =>
      publishCatalogItem({
        templateId,
        version: template?.version,
        name: name.trim(),
        description,
        teamIds,
      }),
    invalidates: [stackKeys.catalog()],
    success: (item) => `Published ${item.name}`,
    onSuccess: onClose,
  });
  return (
    <FormDialog
      title="Publish a template"
      description="Members of the teams chosen see it in their catalog and deploy it giving only its inputs."
      onClose={onClose}
      onSubmit={() => publish.mutate(undefined)}
      busy={publish.isPending}
      submitLabel="Publish"
      submitDisabled={!templateId || !teamIds.length || !name.trim()}
      error={publish.error}
      formId="catalog-publish"
    >
      <SelectField
        label="Template"
        name="templateId"
        value={templateId}
        onChange={(e) => {
          setTemplateId(e.target.value);
          const t = templates.data?.find((x) => x.id === e.target.value);
          if (t && !name) setName(t.name);
        }}
      >
        <option value="">Choose…</option>
        {(templates.data ?? []).map((t) => (
          <option key={t.id} value={t.id}>
            {t.name} (version {t.version})
          </option>
        ))}
      </SelectField>
      <TextField
        label="Name in the catalog"
        name="name"
        value={name}
        onChange={(e) => setName(e.target.value)}
      />
      <TextField
        label="Description"
        name="description"
        aside="optional"
        value={description}
        onChange={(e) => setDescription(e.target.value)}
      />
      <fieldset className={forms.fieldset}>
        <legend>Teams</legend>
        {(teams.data ?? []).map((t) => (
          <label key={t.id} className={forms.choice}>
            <input
              type="checkbox"
              name="teamIds"
              value={t.id}
              checked={teamIds.includes(t.id)}
              onChange={(e) =>
                setTeamIds((old) => (e.target.checked ? [...old, t.id] : old.filter((x) => x !== t.id)))
              }
            />{' '}
            {t.name}
          </label>
        ))}
        {teams.data?.length === 0 && <p className={layout.muted}>Create a team first, on the Team page.</p>}
      </fieldset>
    </FormDialog>
  );
}
