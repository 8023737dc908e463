import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { errorText } from '../api/errors';
import { channelsQuery, createChannel, deleteChannel, testChannel } from '../api/monitoring';
import type { NotificationChannel } from '../api/types';
import styles from '../monitoring/monitoring.module.css';
import { Alert } from '../ui/Alert';
import { Badge } from '../ui/Badge';
import { Button } from '../ui/Button';
import { Card } from '../ui/Card';
import { CopyButton } from '../ui/CopyButton';
import table from '../ui/DataTable.module.css';
import { Dialog } from '../ui/Dialog';
import { PlusIcon, TrashIcon } from '../ui/icons';
import { Skeleton } from '../ui/Skeleton';
import { TextField } from '../ui/TextField';
import { toast } from '../ui/toast';

/** Notification settings: who gets emails, which webhooks are called, and a "send test" for each. */
export function ChannelsCard({ canEdit }: { canEdit: boolean }) {
  const queryClient = useQueryClient();
  const channels = useQuery(channelsQuery);
  const [adding, setAdding] = useState<'email' | 'webhook' | null>(null);
  const [secret, setSecret] = useState<NotificationChannel | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: channelsQuery.queryKey });
  const test = useMutation({
    mutationFn: (c: NotificationChannel) => testChannel(c.id),
    onSuccess: (r) =>
      r.ok ? toast.success(r.message) : toast.error('The test did not arrive', { description: r.message }),
    onError: (error) => toast.error('The test could not be sent', { description: errorText(error) }),
  });
  const remove = useMutation({
    mutationFn: (c: NotificationChannel) => deleteChannel(c.id),
    onSuccess: () => {
      toast.success('Channel removed');
      void refresh();
    },
    onError: (error) => toast.error('The channel was not removed', { description: errorText(error) }),
  });
  return (
    <Card
      title="Notifications"
      flush
      actions={
        canEdit && (
          <>
            <Button size="xs" icon={<PlusIcon />} onClick={() => setAdding('email')}>
              Email recipients
            </Button>
            <Button size="xs" icon={<PlusIcon />} onClick={() => setAdding('webhook')}>
              Webhook
            </Button>
          </>
        )
      }
    >
      {channels.isError ? (
        <Alert>{errorText(channels.error)}</Alert>
      ) : !channels.data ? (
        <Skeleton width="50%" />
      ) : channels.data.items.length === 0 ? (
        <p className={styles.muted} style={{ padding: 'var(--space-4)' }}>
          No channels yet: rules record incidents but tell no one. Add email recipients or a webhook.
        </p>
      ) : (
        <div className={table.scroll}>
          <table className={table.table}>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Kind</th>
                <th scope="col">Sends to</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {channels.data.items.map((c) => (
                <tr key={c.id}>
                  <td>
                    {c.name} {!c.enabled && <Badge tone="muted">off</Badge>}
                  </td>
                  <td>{c.kind}</td>
                  <td>{c.kind === 'email' ? c.recipients?.join(', ') : c.url}</td>
                  <td className={table.end}>
                    {canEdit && (
                      <span className={styles.inline}>
                        <Button
                          size="xs"
                          busy={test.isPending && test.variables?.id === c.id}
                          onClick={() => test.mutate(c)}
                        >
                          Send test
                        </Button>
                        <Button
                          size="xs"
                          icon={<TrashIcon />}
                          aria-label={`Remove ${c.name}`}
                          onClick={() => remove.mutate(c)}
                        />
                      </span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {adding && (
        <AddChannelDialog
          kind={adding}
          onClose={() => setAdding(null)}
          onCreated={(c) => {
            void refresh();
            setAdding(null);
            if (c.secret) setSecret(c);
          }}
        />
      )}
      {secret && (
        <Dialog
          open
          onClose={() => setSecret(null)}
          title="Webhook signing secret"
          description="Shown once. Each call carries X-Overcast-Timestamp and X-Overcast-Signature: sha256=HMAC-SHA256(secret, timestamp + '.' + body)."
          footer={
            <Button variant="primary" onClick={() => setSecret(null)}>
              I have saved it
            </Button>
          }
        >
          <p className={styles.secret}>
            {secret.secret} <CopyButton text={secret.secret ?? ''} label="Copy the secret" />
          </p>
        </Dialog>
      )}
    </Card>
  );
}

function AddChannelDialog({
  kind,
  onClose,
  onCreated,
}: {
  kind: 'email' | 'webhook';
  onClose: () => void;
  onCreated: (c: NotificationChannel) => void;
}) {
  const [name, setName] = useState(kind === 'email' ? 'Team' : 'Webhook');
  const [value, setValue] = useState('');
  const create = useMutation({
    mutationFn: () =>
      createChannel(
        kind === 'email'
          ? {
              kind,
              name: name.trim(),
              recipients: value
                .split(/[,\s]+/)
                .map((s) => s.trim())
                .filter(Boolean),
            }
          : { kind, name: name.trim(), url: value.trim() },
      ),
    onSuccess: (c) => {
      toast.success(`Added ${c.name}`);
      onCreated(c);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <Dialog
      open
      onClose={onClose}
      title={kind === 'email' ? 'Add email recipients' : 'Add a webhook'}
      busy={create.isPending}
      footer={
        <>
          <Button onClick={onClose} disabled={create.isPending}>
            Cancel
          </Button>
          <Button variant="primary" type="submit" form="channel-form" busy={create.isPending}>
            Add
          </Button>
        </>
      }
    >
      <form id="channel-form" className={styles.form} onSubmit={submit}>
        {create.isError && <Alert>{errorText(create.error)}</Alert>}
        <TextField
          label="Name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          required
          maxLength={100}
        />
        <TextField
          label={kind === 'email' ? 'Recipients' : 'URL'}
          value={value}
          onChange={(e) => setValue(e.target.value)}
          required
          placeholder={
            kind === 'email' ? 'ops@example.com, oncall@example.com' : 'https://hooks.example.com/overcast'
          }
          hint={
            kind === 'email'
              ? 'Separate addresses with commas'
              : 'Overcast POSTs JSON, signed with HMAC-SHA256'
          }
        />
      </form>
    </Dialog>
  );
}
