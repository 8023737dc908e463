import { isZoneOwnRecord } from '@overcast/contracts/provider-dns';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { deleteDnsZone, dnsKeys } from '../api/dns';
import type { DnsRecord } from '../api/types';
import { plural } from '../format/number';
import { Alert } from '../ui/Alert';
import { ConfirmPhraseField } from '../ui/ConfirmPhraseField';
import { FormDialog } from '../ui/FormDialog';
import { useResourceMutation } from '../ui/useResourceMutation';

/**
 * Deleting a zone cannot be undone, so its name is typed. Its records (besides the SOA and NS it
 * was made with) go first, and the dialog says how many: the request asks for that only then.
 */
export function DeleteZoneDialog({
  zone,
  records,
  onClose,
}: {
  zone: { cloudId: string; zoneId: string; zoneName: string };
  records: DnsRecord[];
  onClose: () => void;
}) {
  const navigate = useNavigate();
  const [typed, setTyped] = useState('');
  const remaining = records.filter((r) => !isZoneOwnRecord(r)).length;
  const remove = useResourceMutation({
    mutationFn: () => deleteDnsZone(zone.cloudId, zone.zoneId, remaining > 0),
    invalidates: [dnsKeys.zones(zone.cloudId)],
    success: `Deleted the zone ${zone.zoneName}`,
    onSuccess: () => {
      onClose();
      navigate('/dns');
    },
  });
  return (
    <FormDialog
      onClose={onClose}
      busy={remove.isPending}
      size="sm"
      tone="danger"
      title={`Delete ${zone.zoneName}?`}
      formId="dns-zone-delete"
      noValidate
      submitLabel="Delete zone"
      submitDisabled={typed !== zone.zoneName}
      error={remove.error}
      onSubmit={() => remove.mutate()}
    >
      <Alert>
        {remaining > 0
          ? `Its ${plural(remaining, 'record')} will be deleted first, then the zone, at the provider: names in it stop resolving.`
          : 'The zone is deleted at the provider: names in it stop resolving.'}
      </Alert>
      <ConfirmPhraseField phrase={zone.zoneName} value={typed} onChange={setTyped} />
    </FormDialog>
  );
}
