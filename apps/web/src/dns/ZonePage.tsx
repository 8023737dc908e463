import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useParams } from 'react-router-dom';
import { deleteDnsRecord, dnsKeys, dnsRecordsQuery } from '../api/dns';
import type { DnsRecord } from '../api/types';
import { usePermissions } from '../auth/permissions';
import { Badge } from '../ui/Badge';
import { Button } from '../ui/Button';
import { EmptyState } from '../ui/EmptyState';
import { FormDialog } from '../ui/FormDialog';
import { CompassIcon, PencilIcon, PlusIcon, TrashIcon } from '../ui/icons';
import layout from '../ui/layout.module.css';
import { Page } from '../ui/Page';
import { ResourceTable } from '../ui/ResourceTable';
import { useResourceMutation } from '../ui/useResourceMutation';
import { DeleteZoneDialog } from './DeleteZoneDialog';
import styles from './dns.module.css';
import { RecordDialog } from './RecordDialog';

type Editing =
  | { kind: 'add' }
  | { kind: 'edit'; record: DnsRecord }
  | { kind: 'delete'; record: DnsRecord }
  | { kind: 'delete-zone' }
  | null;

/** What a record says besides its value: priority, weight and port, or a CAA's flags and tag. */
function extras(r: DnsRecord): string {
  if (r.type === 'SRV') return `${r.priority ?? 0} ${r.weight ?? 0} ${r.port ?? 0}`;
  if (r.type === 'MX') return String(r.priority ?? '');
  if (r.type === 'CAA') return `${r.flags ?? 0} ${r.tag ?? ''}`;
  return '';
}

/** One zone's records: add, edit and delete those Overcast may change. */
export function ZonePage() {
  const { cloudId = '', zoneId = '' } = useParams();
  const query = useQuery(dnsRecordsQuery(cloudId, zoneId));
  const permissions = usePermissions();
  const [editing, setEditing] = useState<Editing>(null);
  const close = () => setEditing(null);
  const zoneName = query.data?.zone.name ?? zoneId;
  const zone = { cloudId, zoneId, zoneName };
  const canEdit = permissions.can('clouds', 'edit');

  const remove = useResourceMutation({
    mutationFn: (r: DnsRecord) => deleteDnsRecord(cloudId, zoneId, r.id),
    invalidates: [dnsKeys.records(cloudId, zoneId)],
    success: (_, r) => `Deleted ${r.type} ${r.name}`,
    failure: 'The record was not deleted',
    onSuccess: close,
  });

  const add = canEdit ? (
    <Button variant="primary" icon={<PlusIcon />} onClick={() => setEditing({ kind: 'add' })}>
      Add record
    </Button>
  ) : undefined;
  // Offered once the records are read: the dialog says how many go with the zone.
  const actions =
    canEdit && query.data ? (
      <>
        <Button variant="danger" icon={<TrashIcon />} onClick={() => setEditing({ kind: 'delete-zone' })}>
          Delete zone
        </Button>
        {add}
      </>
    ) : (
      add
    );

  return (
    <Page
      title={zoneName}
      description="Records as the provider holds them now."
      back={{ to: '/dns', label: 'DNS' }}
      actions={actions}
    >
      <ResourceTable
        query={query}
        rows={query.data?.items ?? []}
        rowKey={(r) => r.id}
        rowProps={(r) => ({ 'data-record': `${r.type} ${r.name}` })}
        className={styles.records}
        empty={
          <EmptyState icon={<CompassIcon />} title="No records yet" actions={add}>
            Records added here or at the provider appear in this list.
          </EmptyState>
        }
        columns={[
          { key: 'name', header: 'Name', cell: (r) => <span className={layout.mono}>{r.name}</span> },
          {
            key: 'type',
            header: 'Type',
            cell: (r) => (
              <span className={styles.type}>
                {r.type}
                {!r.editable && <Badge tone="neutral">provider</Badge>}
              </span>
            ),
          },
          {
            key: 'value',
            header: 'Value',
            cell: (r) => (
              <span className={`${layout.mono} ${styles.value}`}>
                {extras(r) && <span className={layout.muted}>{extras(r)} </span>}
                {r.value}
              </span>
            ),
          },
          { key: 'ttl', header: 'TTL', numeric: true, cell: (r) => r.ttl },
        ]}
        actionsLabel={(r) => `More actions for ${r.type} ${r.name}`}
        actions={[
          {
            label: 'Edit',
            icon: <PencilIcon />,
            requires: { kind: 'clouds', action: 'edit' },
            hidden: (r) => !r.editable,
            onSelect: (record) => setEditing({ kind: 'edit', record }),
          },
          {
            label: 'Delete',
            icon: <TrashIcon />,
            danger: true,
            requires: { kind: 'clouds', action: 'edit' },
            hidden: (r) => !r.editable,
            onSelect: (record) => setEditing({ kind: 'delete', record }),
          },
        ]}
      />
      {editing?.kind === 'add' && <RecordDialog zone={zone} onClose={close} />}
      {editing?.kind === 'edit' && <RecordDialog zone={zone} record={editing.record} onClose={close} />}
      {editing?.kind === 'delete-zone' && (
        <DeleteZoneDialog zone={zone} records={query.data?.items ?? []} onClose={close} />
      )}
      {editing?.kind === 'delete' && (
        <FormDialog
          onClose={close}
          busy={remove.isPending}
          size="sm"
          tone="danger"
          title={`Delete ${editing.record.type} ${editing.record.name}?`}
          description={`${editing.record.value} stops resolving once the provider applies the change.`}
          formId="dns-delete"
          submitLabel="Delete record"
          onSubmit={() => remove.mutate(editing.record)}
        >
          {null}
        </FormDialog>
      )}
    </Page>
  );
}
