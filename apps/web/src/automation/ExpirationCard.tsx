import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { automationKeys, clearExpiration, setExpiration } from '../api/automation';
import { errorText } from '../api/errors';
import { machineKeys } from '../api/machines';
import type { MachineDetail, SetExpirationRequest } from '../api/types';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { Card } from '../ui/Card';
import layout from '../ui/layout.module.css';
import { RelativeTime } from '../ui/RelativeTime';
import { toast } from '../ui/toast';
import styles from './automation.module.css';
import { type ExpirationDraft, ExpirationFields, expirationRequest } from './ExpirationFields';
import { formatWhen } from './ScheduleDialog';

/** When the machine stops or destroys itself, with the notice before; set, change or clear it. */
export function ExpirationCard({ detail, canEdit }: { detail: MachineDetail; canEdit: boolean }) {
  const queryClient = useQueryClient();
  const id = detail.machine.id;
  const current = detail.expiration;
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState<ExpirationDraft>({ at: '', action: 'stop', notifyMinutes: '60' });
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: machineKeys.detail(id) });
    void queryClient.invalidateQueries({ queryKey: automationKeys.expiring });
  };
  const save = useMutation({
    mutationFn: async (body: SetExpirationRequest | null) => {
      if (body) await setExpiration(id, body);
      else await clearExpiration(id);
    },
    onSuccess: (_, body) => {
      toast.success(
        body ? `${detail.machine.name} expires ${formatWhen(body.expiresAt)}` : 'Expiration cleared',
      );
      setEditing(false);
      refresh();
    },
  });
  return (
    <Card
      title="Expiration"
      actions={
        canEdit && !editing ? (
          <Button size="sm" onClick={() => setEditing(true)}>
            {current ? 'Change' : 'Set'}
          </Button>
        ) : undefined
      }
    >
      {save.isError && <Alert>{errorText(save.error)}</Alert>}
      {editing ? (
        <form
          className={layout.stack}
          onSubmit={(e) => {
            e.preventDefault();
            const body = expirationRequest(draft);
            if (body) save.mutate(body);
          }}
        >
          <ExpirationFields value={draft} onChange={setDraft} required />
          <div className={styles.actions}>
            <Button onClick={() => setEditing(false)}>Cancel</Button>
            <Button variant="primary" type="submit" busy={save.isPending}>
              Save
            </Button>
          </div>
        </form>
      ) : current ? (
        <>
          <p data-testid="expiration">
            {current.action === 'destroy' ? 'Destroyed' : 'Stopped'}{' '}
            <RelativeTime value={current.expiresAt} /> ({formatWhen(current.expiresAt)})
            {current.notifyMinutesBefore ? `, with a notice ${current.notifyMinutesBefore} min before` : ''}.
          </p>
          {canEdit && (
            <Button size="sm" busy={save.isPending} onClick={() => save.mutate(null)}>
              Clear
            </Button>
          )}
        </>
      ) : (
        <p className={layout.muted}>It does not expire.</p>
      )}
    </Card>
  );
}
