import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { errorField } from '../api/errors';
import { limitKeys, limitsQuery, setOrganizationLimits, setTeamLimits } from '../api/governance';
import type { LimitsInput, ScopeLimits } from '../api/types';
import { usePermissions } from '../auth/permissions';
import { formatMoney } from '../format/number';
import { Card } from '../ui/Card';
import { FormDialog } from '../ui/FormDialog';
import forms from '../ui/forms.module.css';
import { PencilIcon } from '../ui/icons';
import layout from '../ui/layout.module.css';
import { ResourceTable } from '../ui/ResourceTable';
import { TextField } from '../ui/TextField';
import { useResourceMutation } from '../ui/useResourceMutation';

const of = (
  used: number | string,
  max: number | string | null,
  show: (v: number | string) => string = String,
) => (max === null ? `${show(used)}` : `${show(used)} of ${show(max)}`);
const money = (v: number | string) => formatMoney(v, 'USD');

function constraintsOf(s: ScopeLimits): string {
  const l = s.limits;
  const parts = [
    l.allowedLocations.length ? `locations ${l.allowedLocations.join(', ')}` : '',
    l.allowedSizes.length ? `sizes ${l.allowedSizes.join(', ')}` : '',
    l.allowedImages.length ? `images ${l.allowedImages.join(', ')}` : '',
    l.allowedCloudIds.length ? `${l.allowedCloudIds.length} cloud(s)` : '',
    ...Object.entries(l.requiredTags).map(([k, v]) => `tag ${k}${v.length ? `=${v.join('|')}` : ''}`),
    l.maxLifetimeHours !== null ? `lives ≤ ${l.maxLifetimeHours} h` : '',
  ].filter(Boolean);
  return parts.length ? parts.join(' · ') : 'None';
}

/** Quotas and constraints of the organization and each team, with what each uses now. */
export function LimitsCard() {
  const { manageOrganization } = usePermissions();
  const scopes = useQuery(limitsQuery);
  const [editing, setEditing] = useState<ScopeLimits | null>(null);
  return (
    <Card title="Limits and usage">
      <p className={layout.muted}>
        Machines created by a team's members count against its limits; every machine counts against the
        organization's. A request over a limit is refused before anything is created.
      </p>
      <ResourceTable
        bare
        query={scopes}
        rows={scopes.data ?? []}
        rowKey={(s) => s.teamId ?? 'organization'}
        empty={<p className={layout.muted}>No limits.</p>}
        rowProps={(s) => ({ 'data-scope': s.name })}
        columns={[
          { key: 'name', header: 'Scope', cell: (s) => s.name },
          { key: 'machines', header: 'Machines', cell: (s) => of(s.usage.machines, s.limits.maxMachines) },
          { key: 'vcpus', header: 'vCPUs', cell: (s) => of(s.usage.vcpus, s.limits.maxVcpus) },
          {
            key: 'budget',
            header: 'Monthly spend',
            cell: (s) => of(s.usage.monthly, s.limits.monthlyBudget, money),
          },
          { key: 'constraints', header: 'Constraints', cell: constraintsOf },
        ]}
        actionsLabel={(s) => `More actions for the limits of ${s.name}`}
        actions={
          manageOrganization
            ? [
                {
                  label: 'Edit limits',
                  icon: <PencilIcon />,
                  requires: (p) => p.manageOrganization,
                  onSelect: setEditing,
                },
              ]
            : []
        }
      />
      {editing && <LimitsDialog scope={editing} onClose={() => setEditing(null)} />}
    </Card>
  );
}

const list = (text: string) =>
  text
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
const numberOrNull = (text: string) => (text.trim() === '' ? null : Number(text));

/** Required tags as "env=prod|dev, owner": a key, and the values allowed after "=". */
function parseRequiredTags(text: string): Record<string, string[]> {
  const tags: Record<string, string[]> = {};
  for (const item of list(text)) {
    const [key, values = ''] = item.split('=');
    tags[key!.trim()] = values
      .split('|')
      .map((v) => v.trim())
      .filter(Boolean);
  }
  return tags;
}

function LimitsDialog({ scope, onClose }: { scope: ScopeLimits; onClose: () => void }) {
  const l = scope.limits;
  const [draft, setDraft] = useState({
    maxMachines: l.maxMachines?.toString() ?? '',
    maxVcpus: l.maxVcpus?.toString() ?? '',
    monthlyBudget: l.monthlyBudget ?? '',
    maxLifetimeHours: l.maxLifetimeHours?.toString() ?? '',
    allowedLocations: l.allowedLocations.join(', '),
    allowedSizes: l.allowedSizes.join(', '),
    allowedImages: l.allowedImages.join(', '),
    requiredTags: Object.entries(l.requiredTags)
      .map(([k, v]) => (v.length ? `${k}=${v.join('|')}` : k))
      .join(', '),
  });
  const set = (key: keyof typeof draft) => (e: { target: { value: string } }) =>
    setDraft((d) => ({ ...d, [key]: e.target.value }));
  const save = useResourceMutation({
    mutationFn: () => {
      const input: LimitsInput = {
        maxMachines: numberOrNull(draft.maxMachines),
        maxVcpus: numberOrNull(draft.maxVcpus),
        monthlyBudget: draft.monthlyBudget.trim() || null,
        maxLifetimeHours: numberOrNull(draft.maxLifetimeHours),
        allowedCloudIds: l.allowedCloudIds,
        allowedLocations: list(draft.allowedLocations),
        allowedSizes: list(draft.allowedSizes),
        allowedImages: list(draft.allowedImages),
        requiredTags: parseRequiredTags(draft.requiredTags),
      };
      return scope.teamId ? setTeamLimits(scope.teamId, input) : setOrganizationLimits(input);
    },
    invalidates: [limitKeys.all],
    success: `Saved the limits of ${scope.name}`,
    onSuccess: onClose,
  });
  const fieldError = (name: string) =>
    save.error && errorField(save.error, [name]) === name ? save.error.message : undefined;
  return (
    <FormDialog
      title={`Limits of ${scope.name}`}
      description="Leave a number empty for no limit, a list empty to allow anything."
      onClose={onClose}
      onSubmit={() => save.mutate()}
      busy={save.isPending}
      submitLabel="Save limits"
      error={save.error}
    >
      <div className={forms.twoColumns}>
        <TextField
          label="Machines at most"
          inputMode="numeric"
          value={draft.maxMachines}
          onChange={set('maxMachines')}
          error={fieldError('maxMachines')}
        />
        <TextField
          label="vCPUs at most"
          inputMode="numeric"
          value={draft.maxVcpus}
          onChange={set('maxVcpus')}
          error={fieldError('maxVcpus')}
        />
        <TextField
          label="Monthly budget (USD)"
          inputMode="decimal"
          value={draft.monthlyBudget}
          onChange={set('monthlyBudget')}
          error={fieldError('monthlyBudget')}
        />
        <TextField
          label="Longest life (hours)"
          inputMode="numeric"
          value={draft.maxLifetimeHours}
          onChange={set('maxLifetimeHours')}
          error={fieldError('maxLifetimeHours')}
        />
      </div>
      <TextField
        label="Allowed locations"
        hint="Comma-separated"
        value={draft.allowedLocations}
        onChange={set('allowedLocations')}
      />
      <TextField
        label="Allowed sizes"
        hint="Comma-separated"
        value={draft.allowedSizes}
        onChange={set('allowedSizes')}
      />
      <TextField
        label="Allowed images"
        hint="Comma-separated"
        value={draft.allowedImages}
        onChange={set('allowedImages')}
      />
      <TextField
        label="Required tags"
        hint="env=prod|dev, owner"
        value={draft.requiredTags}
        onChange={set('requiredTags')}
      />
    </FormDialog>
  );
}
