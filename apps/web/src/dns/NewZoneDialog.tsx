import { dnsZoneNameProblem, normalizeZoneName } from '@overcast/contracts/provider-dns';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { createDnsZone, dnsKeys } from '../api/dns';
import { errorField } from '../api/errors';
import type { Cloud, DnsZone } from '../api/types';
import { SelectField } from '../ui/Field';
import { FormDialog } from '../ui/FormDialog';
import { TextField } from '../ui/TextField';
import { useResourceMutation } from '../ui/useResourceMutation';

/**
 * Makes a zone at one of the clouds that host DNS, then opens it. The domain is checked here by
 * the API's own rule first, so a typo is shown beside the field before anything is sent.
 */
export function NewZoneDialog({ clouds, onClose }: { clouds: Cloud[]; onClose: () => void }) {
  const navigate = useNavigate();
  const [cloudId, setCloudId] = useState(clouds[0]?.id ?? '');
  const [name, setName] = useState('');
  const [problem, setProblem] = useState<string>();

  const create = useResourceMutation({
    mutationFn: (domain: string) => createDnsZone(cloudId, { name: domain }),
    invalidates: [dnsKeys.zones(cloudId)],
    success: (zone: DnsZone) => `Created the zone ${zone.name}`,
    successDescription: 'Point the domain at the name servers listed as its NS records.',
    onSuccess: (zone) => {
      onClose();
      navigate(`/dns/${zone.cloudId}/${encodeURIComponent(zone.id)}`);
    },
    onError: (error) => {
      if (errorField(error, ['name'])) setProblem(error.message);
    },
  });

  function onSubmit() {
    const domain = normalizeZoneName(name);
    const wrong = dnsZoneNameProblem(domain);
    setProblem(wrong);
    if (!wrong) create.mutate(domain);
  }

  return (
    <FormDialog
      onClose={onClose}
      busy={create.isPending}
      size="sm"
      title="New DNS zone"
      description="The zone is made at the cloud's provider, with its SOA and name servers."
      formId="dns-zone"
      noValidate
      submitLabel="Create zone"
      error={errorField(create.error, ['name']) ? null : create.error}
      onSubmit={onSubmit}
    >
      <SelectField label="Cloud" value={cloudId} onChange={(e) => setCloudId(e.target.value)}>
        {clouds.map((c) => (
          <option key={c.id} value={c.id}>
            {c.title}
          </option>
        ))}
      </SelectField>
      <TextField
        label="Domain"
        placeholder="example.com"
        value={name}
        onChange={(e) => setName(e.target.value)}
        error={problem}
        autoComplete="off"
        spellCheck={false}
        maxLength={254}
        required
      />
    </FormDialog>
  );
}
