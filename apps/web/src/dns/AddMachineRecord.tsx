import { useQueries, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { cloudsQuery } from '../api/clouds';
import { dnsZonesQuery } from '../api/dns';
import { usePermissions } from '../auth/permissions';
import { useProviders } from '../providers/meta';
import { Button } from '../ui/Button';
import { Dialog } from '../ui/Dialog';
import { SelectField } from '../ui/Field';
import { FormDialog } from '../ui/FormDialog';
import { PlusIcon } from '../ui/icons';
import layout from '../ui/layout.module.css';
import { RecordDialog, type ZoneRef } from './RecordDialog';

/** A DNS label from a machine's name: what a record for it is most likely called. */
const labelOf = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);

/**
 * "Add DNS record" on a machine's page: pick a zone of any cloud that offers DNS, then the
 * record form, filled with the machine's public address (A, or AAAA for IPv6) and its name.
 */
export function AddMachineRecord({ name, publicIps }: { name: string; publicIps: string[] }) {
  const permissions = usePermissions();
  const [open, setOpen] = useState(false);
  if (publicIps.length === 0 || !permissions.can('clouds', 'edit')) return null;
  return (
    <>
      <Button size="sm" icon={<PlusIcon />} onClick={() => setOpen(true)}>
        Add DNS record
      </Button>
      {open && <Flow name={name} ip={publicIps[0]!} onClose={() => setOpen(false)} />}
    </>
  );
}

function Flow({ name, ip, onClose }: { name: string; ip: string; onClose: () => void }) {
  const clouds = useQuery(cloudsQuery);
  const { providerMeta } = useProviders();
  const withDns = (clouds.data ?? []).filter((c) => providerMeta(c.provider).features.dns);
  const zoneLists = useQueries({ queries: withDns.map((c) => dnsZonesQuery(c.id)) });
  const zones: ZoneRef[] = zoneLists.flatMap((q, i) =>
    (q.data?.items ?? []).map((z) => ({ cloudId: withDns[i]!.id, zoneId: z.id, zoneName: z.name })),
  );
  const [choice, setChoice] = useState('');
  const [zone, setZone] = useState<ZoneRef | null>(null);
  const loading = clouds.isPending || zoneLists.some((q) => q.isPending);

  if (zone)
    return (
      <RecordDialog
        zone={zone}
        prefill={{ name: labelOf(name), type: ip.includes(':') ? 'AAAA' : 'A', value: ip, ttl: '300' }}
        onClose={onClose}
      />
    );
  if (!loading && zones.length === 0)
    return (
      <Dialog open onClose={onClose} size="sm" title="Add a DNS record">
        <p className={layout.note}>
          No cloud of yours offers a DNS zone. Add a zone at your DNS provider, or a cloud that hosts one.
        </p>
      </Dialog>
    );
  const key = (z: ZoneRef) => `${z.cloudId}/${z.zoneId}`;
  const chosen = zones.find((z) => key(z) === choice) ?? zones[0];
  return (
    <FormDialog
      onClose={onClose}
      busy={loading}
      size="sm"
      title="Add a DNS record"
      description={`A record pointing at ${ip}. First, the zone it goes in.`}
      formId="dns-pick-zone"
      submitLabel="Next"
      onSubmit={() => chosen && setZone(chosen)}
    >
      <SelectField label="Zone" value={chosen ? key(chosen) : ''} onChange={(e) => setChoice(e.target.value)}>
        {zones.map((z) => (
          <option key={key(z)} value={key(z)}>
            {z.zoneName} ({withDns.find((c) => c.id === z.cloudId)?.title})
          </option>
        ))}
      </SelectField>
    </FormDialog>
  );
}
