import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { channelsQuery, createChannel, deleteChannel, testChannel } from '../api/monitoring';
import type { NotificationChannel } from '../api/types';
import styles from '../monitoring/monitoring.module.css';
import { Badge } from '../ui/Badge';
import { Button } from '../ui/Button';
import { Card } from '../ui/Card';
import { CopyButton } from '../ui/CopyButton';
import { Dialog } from '../ui/Dialog';
import { FormDialog } from '../ui/FormDialog';
import { PlusIcon, TrashIcon } from '../ui/icons';
import layout from '../ui/layout.module.css';
import { NameField } from '../ui/NameField';
import { ResourceTable } from '../ui/ResourceTable';
import { TextField } from '../ui/TextField';
import { toast } from '../ui/toast';
import { useResourceMutation } from '../ui/useResourceMutation';
import { AddChatChannelDialog } from './AddChatChannelDialog';
import { channelKindName } from './chatPlatforms';

/** Notification settings: who gets emails, which webhooks and chat channels are called, and a "send test" for each. */
export function ChannelsCard({ canEdit }: { canEdit: boolean }) {
  const channels = useQuery(channelsQuery);
  const [adding, setAdding] = useState<'email' | 'webhook' | 'chat' | null>(null);
  const [secret, setSecret] = useState<NotificationChannel | null>(null);
  const test = useResourceMutation({
    mutationFn: (c: NotificationChannel) => testChannel(c.id),
    invalidates: [],
    onSuccess: (r) =>
      r.ok ? toast.success(r.message) : toast.error('The test did not arrive', { description: r.message }),
    failure: 'The test could not be sent',
  });
  const remove = useResourceMutation({
    mutationFn: (c: NotificationChannel) => deleteChannel(c.id),
    invalidates: [channelsQuery.queryKey],
    success: 'Channel removed',
    failure: 'The channel was not removed',
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
            <Button size="xs" icon={<PlusIcon />} onClick={() => setAdding('chat')}>
              Chat
            </Button>
          </>
        )
      }
    >
      <ResourceTable
        bare
        query={channels}
        rows={channels.data?.items ?? []}
        rowKey={(c) => c.id}
        empty={
          <p className={`${layout.muted} ${styles.padded}`}>
            No channels yet: rules record incidents but tell no one. Add email recipients, a webhook or a chat
            channel (Slack, Teams, Discord, Mattermost, ntfy).
          </p>
        }
        columns={[
          {
            key: 'name',
            header: 'Name',
            cell: (c) => (
              <>
                {c.name} {!c.enabled && <Badge tone="muted">off</Badge>}
              </>
            ),
          },
          { key: 'kind', header: 'Kind', cell: (c) => channelKindName(c.kind) },
          {
            key: 'to',
            header: 'Sends to',
            cell: (c) => (c.kind === 'email' ? c.recipients?.join(', ') : (c.url ?? c.destination)),
          },
        ]}
        rowControls={(c) =>
          canEdit && (
            <>
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
            </>
          )
        }
      />
      {adding === 'chat' && (
        <AddChatChannelDialog onClose={() => setAdding(null)} onCreated={() => setAdding(null)} />
      )}
      {(adding === 'email' || adding === 'webhook') && (
        <AddChannelDialog
          kind={adding}
          onClose={() => setAdding(null)}
          onCreated={(c) => {
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
          <p className={layout.mono}>
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
  const create = useResourceMutation({
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
    invalidates: [channelsQuery.queryKey],
    success: (c) => `Added ${c.name}`,
    onSuccess: onCreated,
  });
  return (
    <FormDialog
      onClose={onClose}
      title={kind === 'email' ? 'Add email recipients' : 'Add a webhook'}
      busy={create.isPending}
      error={create.error}
      onSubmit={() => create.mutate()}
      submitLabel="Add"
    >
      <NameField value={name} onChange={setName} maxLength={100} />
      <TextField
        label={kind === 'email' ? 'Recipients' : 'URL'}
        value={value}
        onChange={(e) => setValue(e.target.value)}
        required
        placeholder={
          kind === 'email' ? 'ops@example.com, oncall@example.com' : 'https://hooks.example.com/overcast'
        }
        hint={
          kind === 'email' ? 'Separate addresses with commas' : 'Overcast POSTs JSON, signed with HMAC-SHA256'
        }
      />
    </FormDialog>
  );
}
