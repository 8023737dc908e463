import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { cloudsQuery } from '../api/clouds';
import { errorField } from '../api/errors';
import { createNetwork, createSubnet, deleteNetwork, networkKeys, networkListQuery } from '../api/networks';
import type { Cloud, Network } from '../api/types';
import { formatCount } from '../format/number';
import { useProviderMeta } from '../providers/meta';
import { Badge } from '../ui/Badge';
import { Card } from '../ui/Card';
import { EmptyState } from '../ui/EmptyState';
import { SelectField } from '../ui/Field';
import { FormDialog } from '../ui/FormDialog';
import forms from '../ui/forms.module.css';
import { CloudIcon, PlusIcon, TrashIcon } from '../ui/icons';
import layout from '../ui/layout.module.css';
import { Page } from '../ui/Page';
import { ResourceTable } from '../ui/ResourceTable';
import { TextField } from '../ui/TextField';
import { useCreateButton } from '../ui/useCreateButton';
import { useResourceMutation } from '../ui/useResourceMutation';
import styles from './networks.module.css';

/** Networks (VPCs) of every cloud that has them, with subnet and machine counts. */
export function NetworksPage() {
  const networks = useQuery(networkListQuery());
  const clouds = useQuery(cloudsQuery);
  const providerMeta = useProviderMeta();
  const [creating, setCreating] = useState(false);
  const [addingTo, setAddingTo] = useState<Network | null>(null);
  // Clouds whose networks Overcast makes: vCenter's portgroups are listed only.
  const makesNetworks = (c: Cloud) =>
    c.enabled &&
    providerMeta(c.provider).features.networks &&
    !providerMeta(c.provider).features.readOnlyNetworks;
  const createButton = useCreateButton('networks', 'Create network', () => setCreating(true));
  const create = clouds.data?.some(makesNetworks) ? createButton : undefined;
  const remove = useResourceMutation({
    mutationFn: (n: Network) => deleteNetwork(n.id),
    invalidates: [networkKeys.all],
    success: (_, n) => `Deleted ${n.name}`,
    failure: 'The network was not deleted',
  });
  const rows = networks.data?.items ?? [];
  const featuresOf = (n: Network) => {
    const cloud = clouds.data?.find((c) => c.id === n.cloudId);
    return cloud ? providerMeta(cloud.provider).features : null;
  };
  // Some providers' networks (DigitalOcean VPCs) have no subnets to add.
  const hasSubnets = (n: Network) => featuresOf(n)?.subnets ?? false;
  // libvirt and Docker networks have no firewalls: their traffic is the host's to control.
  const hasFirewalls = (n: Network) => featuresOf(n)?.firewalls ?? false;
  return (
    <Page
      title="Networks"
      description="Networks and their subnets in your clouds, as the last poll saw them."
      actions={create}
    >
      <Card flush>
        <ResourceTable
          bare
          className={styles.table}
          label="Networks"
          query={networks}
          rows={rows}
          rowKey={(n) => n.id}
          rowProps={(n) => ({ 'data-network': n.externalId })}
          empty={
            <EmptyState icon={<CloudIcon />} title="No networks yet">
              <p>
                Networks appear here after the next poll of a cloud whose provider has them (EC2 VPCs, Compute
                Engine networks, libvirt and Docker networks).
              </p>
            </EmptyState>
          }
          columns={[
            {
              key: 'name',
              header: 'Name',
              cell: (n) => (
                <span className={styles.name}>
                  {n.name} {n.isDefault && <Badge tone="neutral">default</Badge>}
                </span>
              ),
            },
            { key: 'cloud', header: 'Cloud', cell: (n) => n.cloudTitle },
            {
              key: 'cidr',
              header: 'Range',
              cell: (n) => <span className={styles.mono}>{n.cidr ?? '—'}</span>,
            },
            { key: 'region', header: 'Region', cell: (n) => n.region ?? '—' },
            { key: 'subnets', header: 'Subnets', numeric: true, cell: (n) => formatCount(n.subnetCount) },
            { key: 'machines', header: 'Machines', numeric: true, cell: (n) => formatCount(n.machineCount) },
            {
              key: 'firewalls',
              header: 'Firewalls',
              cell: (n) =>
                hasFirewalls(n) ? (
                  <Link to="/firewalls">Firewalls</Link>
                ) : (
                  <span className={layout.muted}>none: the host controls its traffic</span>
                ),
            },
          ]}
          actionsLabel={(n) => `More actions for ${n.name}`}
          actions={[
            {
              label: 'Add subnet',
              icon: <PlusIcon />,
              requires: { kind: 'networks', action: 'edit' },
              hidden: (n) => !hasSubnets(n),
              onSelect: setAddingTo,
            },
            {
              label: 'Delete',
              icon: <TrashIcon />,
              danger: true,
              requires: { kind: 'networks', action: 'delete' },
              hidden: (n) => n.isDefault || (featuresOf(n)?.readOnlyNetworks ?? false),
              onSelect: (n) => remove.mutate(n),
            },
          ]}
        />
      </Card>
      {creating && (
        <CreateNetworkDialog
          clouds={(clouds.data ?? []).filter(makesNetworks)}
          onClose={() => setCreating(false)}
        />
      )}
      {addingTo && <CreateSubnetDialog network={addingTo} onClose={() => setAddingTo(null)} />}
    </Page>
  );
}

function CreateNetworkDialog({ clouds, onClose }: { clouds: Cloud[]; onClose: () => void }) {
  const [cloudId, setCloudId] = useState(clouds[0]?.id ?? '');
  const [name, setName] = useState('');
  const [cidr, setCidr] = useState('10.0.0.0/16');
  const [region, setRegion] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const create = useResourceMutation({
    mutationFn: () =>
      createNetwork({ cloudId, name, cidr, ...(region.trim() ? { region: region.trim() } : {}) }),
    invalidates: [networkKeys.all],
    success: `Created ${name}`,
    onSuccess: onClose,
    onError: (error) => {
      const field = errorField(error, ['name', 'cidr', 'cloudId', 'region'] as const);
      if (field) setErrors({ [field]: error.message });
    },
  });
  return (
    <FormDialog
      onClose={onClose}
      busy={create.isPending}
      size="sm"
      title="Create a network"
      formId="create-network"
      noValidate
      submitLabel="Create network"
      submitDisabled={clouds.length === 0}
      error={create.error}
      onSubmit={() => {
        const next: Record<string, string> = {};
        if (!name.trim()) next.name = 'Give the network a name.';
        if (!cidr.includes('/')) next.cidr = 'An address range such as 10.0.0.0/16.';
        setErrors(next);
        if (Object.keys(next).length === 0) create.mutate();
      }}
    >
      {clouds.length === 0 ? (
        <p className={layout.note}>No enabled cloud manages networks through Overcast.</p>
      ) : (
        <SelectField
          label="Cloud"
          value={cloudId}
          onChange={(e) => setCloudId(e.target.value)}
          error={errors.cloudId}
        >
          {clouds.map((c) => (
            <option key={c.id} value={c.id}>
              {c.title}
            </option>
          ))}
        </SelectField>
      )}
      <div className={forms.twoColumns}>
        <TextField
          label="Name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={errors.name}
          maxLength={100}
        />
        <TextField
          label="Address range"
          value={cidr}
          onChange={(e) => setCidr(e.target.value)}
          error={errors.cidr}
          spellCheck={false}
          maxLength={49}
        />
      </div>
      <TextField
        label="Region"
        hint="Optional where the cloud has a default"
        value={region}
        onChange={(e) => setRegion(e.target.value)}
        error={errors.region}
        spellCheck={false}
        maxLength={100}
      />
    </FormDialog>
  );
}

function CreateSubnetDialog({ network, onClose }: { network: Network; onClose: () => void }) {
  const [name, setName] = useState('');
  const [cidr, setCidr] = useState('');
  const [location, setLocation] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const create = useResourceMutation({
    mutationFn: () => createSubnet(network.id, { name, cidr, ...(location ? { location } : {}) }),
    invalidates: [networkKeys.all],
    success: `Created ${name} in ${network.name}`,
    onSuccess: onClose,
    onError: (error) => {
      const field = errorField(error, ['name', 'cidr', 'location'] as const);
      if (field) setErrors({ [field]: error.message });
    },
  });
  return (
    <FormDialog
      onClose={onClose}
      busy={create.isPending}
      size="sm"
      title={`Add a subnet to ${network.name}`}
      description={network.cidr ? `Inside ${network.cidr}.` : undefined}
      formId="create-subnet"
      noValidate
      submitLabel="Add subnet"
      error={create.error}
      onSubmit={() => {
        const next: Record<string, string> = {};
        if (!name.trim()) next.name = 'Give the subnet a name.';
        if (!cidr.includes('/')) next.cidr = 'An address range such as 10.0.1.0/24.';
        setErrors(next);
        if (Object.keys(next).length === 0) create.mutate();
      }}
    >
      <TextField
        label="Name"
        value={name}
        onChange={(e) => setName(e.target.value)}
        error={errors.name}
        maxLength={100}
      />
      <div className={forms.twoColumns}>
        <TextField
          label="Address range"
          value={cidr}
          onChange={(e) => setCidr(e.target.value)}
          error={errors.cidr}
          maxLength={49}
        />
        <TextField
          label="Zone or region"
          hint="Optional where the cloud has a default"
          value={location}
          onChange={(e) => setLocation(e.target.value)}
          error={errors.location}
          maxLength={100}
        />
      </div>
    </FormDialog>
  );
}
