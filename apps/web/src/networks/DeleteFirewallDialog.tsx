import { deleteFirewall, networkKeys } from '../api/networks';
import type { Firewall } from '../api/types';
import { plural } from '../format/number';
import { Alert } from '../ui/Alert';
import { FormDialog } from '../ui/FormDialog';
import { useResourceMutation } from '../ui/useResourceMutation';

/** Asks before a firewall is deleted at the provider; the refusal, if any, stays in the dialog. */
export function DeleteFirewallDialog({ firewall, onClose }: { firewall: Firewall; onClose: () => void }) {
  const remove = useResourceMutation({
    mutationFn: () => deleteFirewall(firewall.id),
    invalidates: [networkKeys.all],
    success: `Deleted ${firewall.name}`,
    onSuccess: onClose,
  });
  return (
    <FormDialog
      onClose={onClose}
      busy={remove.isPending}
      size="sm"
      tone="danger"
      title={`Delete ${firewall.name}?`}
      formId="delete-firewall"
      submitLabel="Delete firewall"
      error={remove.error}
      onSubmit={() => remove.mutate()}
    >
      <Alert>
        {firewall.name} and its rules are deleted in {firewall.cloudTitle}. Traffic they kept out may reach
        its {plural(firewall.machines.length, 'machine')} again.
      </Alert>
    </FormDialog>
  );
}
