import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { cloudsQuery } from '../api/clouds';
import { dnsZonesQuery } from '../api/dns';
import type { Cloud } from '../api/types';
import { usePermissions } from '../auth/permissions';
import { useProviders } from '../providers/meta';
import { Button } from '../ui/Button';
import { Card } from '../ui/Card';
import { EmptyState } from '../ui/EmptyState';
import { CompassIcon, PlusIcon } from '../ui/icons';
import layout from '../ui/layout.module.css';
import { Page } from '../ui/Page';
import { QueryState } from '../ui/QueryState';
import { ResourceTable } from '../ui/ResourceTable';
import { NewZoneDialog } from './NewZoneDialog';

/** The DNS zones of every cloud whose provider offers DNS, read live from each provider. */
export function DnsPage() {
  const clouds = useQuery(cloudsQuery);
  const { providerMeta, query: providers } = useProviders();
  const withDns = (clouds.data ?? []).filter((c) => providerMeta(c.provider).features.dns);
  const [creating, setCreating] = useState(false);
  const canEdit = usePermissions().can('clouds', 'edit');
  return (
    <Page
      title="DNS"
      description="Zones and records of the clouds whose providers host DNS, as the providers have them now."
      actions={
        canEdit && withDns.length > 0 ? (
          <Button variant="primary" icon={<PlusIcon />} onClick={() => setCreating(true)}>
            New zone
          </Button>
        ) : undefined
      }
    >
      <QueryState query={providers.isError ? providers : clouds}>
        {withDns.length === 0 ? (
          <EmptyState
            icon={<CompassIcon />}
            title="No cloud offers DNS"
            link={{ to: '/clouds', label: 'Clouds' }}
          >
            Add an AWS, Google Cloud, Azure, DigitalOcean, Linode, Vultr or Hetzner Cloud account, or an
            OpenStack cloud with Designate, to manage its zones here.
          </EmptyState>
        ) : (
          <div className={layout.stack}>
            {withDns.map((cloud) => (
              <CloudZones key={cloud.id} cloud={cloud} label={providerMeta(cloud.provider).label} />
            ))}
          </div>
        )}
      </QueryState>
      {creating && <NewZoneDialog clouds={withDns} onClose={() => setCreating(false)} />}
    </Page>
  );
}

function CloudZones({ cloud, label }: { cloud: Cloud; label: string }) {
  const zones = useQuery(dnsZonesQuery(cloud.id));
  return (
    <Card title={cloud.title} meta={label} flush>
      <ResourceTable
        bare
        query={zones}
        rows={zones.data?.items ?? []}
        rowKey={(z) => z.id}
        rowProps={(z) => ({ 'data-zone': z.name })}
        empty={<p className={layout.muted}>This cloud has no DNS zones.</p>}
        columns={[
          {
            key: 'name',
            header: 'Zone',
            cell: (z) => <Link to={`/dns/${cloud.id}/${encodeURIComponent(z.id)}`}>{z.name}</Link>,
          },
          { key: 'id', header: 'Provider id', cell: (z) => <span className={layout.mono}>{z.id}</span> },
        ]}
      />
    </Card>
  );
}
