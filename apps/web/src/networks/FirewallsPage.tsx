import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { cloudsQuery } from '../api/clouds';
import { ApiError } from '../api/errors';
import { addFirewallRule, firewallListQuery, networkKeys, removeFirewallRule } from '../api/networks';
import type { Cloud, Firewall, FirewallRule, FirewallRuleInput } from '../api/types';
import { usePermissions } from '../auth/permissions';
import { plural } from '../format/number';
import { useProviderMeta } from '../providers/meta';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { Card } from '../ui/Card';
import { EmptyState } from '../ui/EmptyState';
import { SelectField } from '../ui/Field';
import { FormDialog } from '../ui/FormDialog';
import { InlineForm } from '../ui/InlineForm';
import { CloudIcon, PlusIcon, TrashIcon } from '../ui/icons';
import layout from '../ui/layout.module.css';
import { Page } from '../ui/Page';
import { QueryState } from '../ui/QueryState';
import { ResourceTable } from '../ui/ResourceTable';
import { TextField } from '../ui/TextField';
import { useCreateButton } from '../ui/useCreateButton';
import { useResourceMutation } from '../ui/useResourceMutation';
import { CreateFirewallDialog } from './CreateFirewallDialog';
import { DeleteFirewallDialog } from './DeleteFirewallDialog';
import styles from './networks.module.css';
import { describePorts } from './rules';

/** Firewalls (security groups) with their allow rules, added and removed here. */
export function FirewallsPage() {
  const firewalls = useQuery(firewallListQuery());
  const clouds = useQuery(cloudsQuery);
  const providerMeta = useProviderMeta();
  const permissions = usePermissions();
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<Firewall | null>(null);
  // Elsewhere firewalls come with the provider's networks or machines (security groups, cloud
  // firewalls): only a provider that makes them apart (KubeVirt's NetworkPolicies) is offered here.
  const cloudMakes = (c: Cloud) => providerMeta(c.provider).features.firewallsMade;
  const makers = (clouds.data ?? []).filter((c) => c.enabled && cloudMakes(c));
  const createButton = useCreateButton('networks', 'New firewall', () => setCreating(true));
  const create = makers.length > 0 ? createButton : undefined;
  const canDelete = permissions.can('networks', 'delete');
  const deletable = (f: Firewall) =>
    canDelete && !f.readOnly && (clouds.data ?? []).some((c) => c.id === f.cloudId && cloudMakes(c));
  return (
    <Page
      title="Firewalls"
      description="Allow rules of your clouds' firewalls and security groups, and the machines they apply to."
      actions={create}
    >
      <QueryState query={firewalls}>
        {firewalls.data?.items.length === 0 ? (
          <EmptyState icon={<CloudIcon />} title="No firewalls yet" actions={create}>
            <p>Firewalls appear here after the next poll of a cloud whose provider has them.</p>
          </EmptyState>
        ) : (
          <div className={styles.firewalls}>
            {(firewalls.data?.items ?? []).map((f) => (
              <FirewallCard
                key={f.id}
                firewall={f}
                onDelete={deletable(f) ? () => setDeleting(f) : undefined}
              />
            ))}
          </div>
        )}
      </QueryState>
      {creating && <CreateFirewallDialog clouds={makers} onClose={() => setCreating(false)} />}
      {deleting && <DeleteFirewallDialog firewall={deleting} onClose={() => setDeleting(null)} />}
    </Page>
  );
}

/** `onDelete` only where the firewall's provider deletes firewalls and the reader may. */
function FirewallCard({ firewall, onDelete }: { firewall: Firewall; onDelete?: (() => void) | undefined }) {
  const permissions = usePermissions();
  const canEdit = permissions.can('networks', 'edit');
  const remove = useResourceMutation({
    mutationFn: (rule: FirewallRule) => removeFirewallRule(firewall.id, rule),
    invalidates: [networkKeys.all],
    success: `Removed the rule from ${firewall.name}`,
    failure: 'The rule was not removed',
  });
  return (
    <Card
      title={firewall.name}
      meta={`${firewall.cloudTitle}${firewall.networkName ? ` · ${firewall.networkName}` : ''} · ${plural(firewall.machines.length, 'machine')}`}
      actions={
        onDelete && (
          <Button
            size="sm"
            icon={<TrashIcon />}
            onClick={onDelete}
            aria-label={`Delete firewall ${firewall.name}`}
          >
            Delete firewall
          </Button>
        )
      }
    >
      <div className={layout.stack} data-firewall={firewall.externalId}>
        {firewall.description && <p className={layout.muted}>{firewall.description}</p>}
        {firewall.warnings.map((w) => (
          <Alert key={w}>{w}</Alert>
        ))}
        <ResourceTable
          bare
          className={styles.rules}
          label={`Rules of ${firewall.name}`}
          query={{ isPending: false, isError: false, error: null, refetch: () => undefined }}
          rows={firewall.rules}
          rowKey={(r) => JSON.stringify(r)}
          empty={<p className={layout.muted}>No rules: nothing is let in or out.</p>}
          columns={[
            {
              key: 'direction',
              header: 'Direction',
              cell: (r) => (r.direction === 'ingress' ? 'In' : 'Out'),
            },
            {
              key: 'protocol',
              header: 'Protocol',
              cell: (r) => (r.protocol === 'all' ? 'All' : r.protocol.toUpperCase()),
            },
            { key: 'ports', header: 'Ports', cell: (r) => describePorts(r) },
            {
              key: 'cidrs',
              header: 'From / to',
              cell: (r) => (
                <span className={styles.mono}>
                  {r.cidrs.length || r.sources?.length
                    ? [...r.cidrs, ...(r.sources ?? [])].join(', ')
                    : 'other groups'}
                </span>
              ),
            },
          ]}
          actionsLabel={(r) => `More actions for the ${describePorts(r)} rule`}
          actions={[
            {
              label: 'Remove rule',
              icon: <TrashIcon />,
              danger: true,
              requires: { kind: 'networks', action: 'edit' },
              hidden: (r) => r.cidrs.length === 0 || firewall.readOnly,
              onSelect: (r) => remove.mutate(r),
            },
          ]}
        />
        {canEdit && !firewall.readOnly && <AddRuleForm firewall={firewall} />}
      </div>
    </Card>
  );
}

function AddRuleForm({ firewall }: { firewall: Firewall }) {
  const [protocol, setProtocol] = useState<FirewallRuleInput['protocol']>('tcp');
  const [direction, setDirection] = useState<FirewallRuleInput['direction']>('ingress');
  const [ports, setPorts] = useState('');
  const [cidrs, setCidrs] = useState('');
  const [confirming, setConfirming] = useState<{ rule: FirewallRuleInput; warning: string } | null>(null);
  const [formError, setFormError] = useState<string | null>(null);

  const add = useResourceMutation({
    mutationFn: ({ rule, acknowledge }: { rule: FirewallRuleInput; acknowledge: boolean }) =>
      addFirewallRule(firewall.id, rule, acknowledge),
    invalidates: [networkKeys.all],
    success: `Added the rule to ${firewall.name}`,
    successDescription: (result) => result.warnings.join(' '),
    onSuccess: () => {
      setConfirming(null);
      setPorts('');
      setCidrs('');
    },
    onError: (error, { rule }) => {
      // The server says when a rule opens SSH or RDP to everyone: ask before sending it again.
      if (error instanceof ApiError && error.code === 'exposure_not_acknowledged') {
        setConfirming({ rule, warning: error.message });
      }
    },
  });

  function submit() {
    const ported = protocol === 'tcp' || protocol === 'udp';
    const [from, to] = ports.split('-').map((p) => p.trim());
    if (ported && !/^\d+$/.test(from ?? '')) return setFormError('Give a port (22) or a range (8000-8080).');
    const list = cidrs.split(/[\s,]+/).filter(Boolean);
    if (list.length === 0) return setFormError('Give at least one address range, such as 203.0.113.0/24.');
    setFormError(null);
    const rule: FirewallRuleInput = {
      direction,
      protocol,
      ...(ported ? { fromPort: Number(from), toPort: Number(to ?? from) } : {}),
      cidrs: list,
    };
    add.mutate({ rule, acknowledge: false });
  }

  const serverError =
    add.error instanceof ApiError && add.error.code === 'exposure_not_acknowledged' ? null : add.error;
  return (
    <>
      <InlineForm onSubmit={submit} error={formError ?? serverError}>
        <SelectField
          label="Direction"
          value={direction}
          onChange={(e) => setDirection(e.target.value as typeof direction)}
        >
          <option value="ingress">In</option>
          <option value="egress">Out</option>
        </SelectField>
        <SelectField
          label="Protocol"
          value={protocol}
          onChange={(e) => setProtocol(e.target.value as typeof protocol)}
        >
          <option value="tcp">TCP</option>
          <option value="udp">UDP</option>
          <option value="icmp">ICMP</option>
          <option value="all">All</option>
        </SelectField>
        <TextField
          label="Ports"
          placeholder="22 or 8000-8080"
          value={ports}
          disabled={protocol === 'icmp' || protocol === 'all'}
          onChange={(e) => setPorts(e.target.value)}
          inputMode="numeric"
          maxLength={11}
        />
        <TextField
          label={direction === 'ingress' ? 'From' : 'To'}
          placeholder="203.0.113.0/24"
          value={cidrs}
          onChange={(e) => setCidrs(e.target.value)}
          spellCheck={false}
          maxLength={500}
        />
        <Button type="submit" icon={<PlusIcon />} busy={add.isPending && !confirming}>
          Add rule
        </Button>
      </InlineForm>
      {confirming && (
        <FormDialog
          onClose={() => setConfirming(null)}
          busy={add.isPending}
          size="sm"
          tone="danger"
          title="Open this to the whole internet?"
          formId={`confirm-exposure-${firewall.id}`}
          submitLabel="Add anyway"
          onSubmit={() => add.mutate({ rule: confirming.rule, acknowledge: true })}
        >
          <p className={styles.warning}>{confirming.warning}</p>
        </FormDialog>
      )}
    </>
  );
}
