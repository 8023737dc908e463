import { useState } from 'react';
import { errorField } from '../api/errors';
import { channelsQuery, createChannel } from '../api/monitoring';
import type { ChatKind, NotificationChannel } from '../api/types';
import { SelectField } from '../ui/Field';
import { FormDialog } from '../ui/FormDialog';
import { NameField } from '../ui/NameField';
import { TextField } from '../ui/TextField';
import { useResourceMutation } from '../ui/useResourceMutation';
import { CHAT_KIND_LIST, CHAT_PLATFORMS } from './chatPlatforms';

/** Adds a Slack, Teams, Discord, Mattermost or ntfy channel. The address is a secret: it is never shown again. */
export function AddChatChannelDialog({
  onClose,
  onCreated,
}: {
  onClose: () => void;
  onCreated: (c: NotificationChannel) => void;
}) {
  const [kind, setKind] = useState<ChatKind>('slack');
  const [name, setName] = useState('On-call');
  const [url, setUrl] = useState('');
  const [topic, setTopic] = useState('');
  const [accessToken, setAccessToken] = useState('');
  const platform = CHAT_PLATFORMS[kind];
  const create = useResourceMutation({
    mutationFn: () =>
      createChannel({
        kind,
        name: name.trim(),
        url: url.trim(),
        ...(kind === 'ntfy' ? { topic: topic.trim() } : {}),
        ...(kind === 'ntfy' && accessToken.trim() ? { accessToken: accessToken.trim() } : {}),
      }),
    invalidates: [channelsQuery.queryKey],
    success: (c) => `Added ${c.name}`,
    onSuccess: onCreated,
  });
  const field = errorField(create.error, ['name', 'url', 'topic', 'accessToken'] as const);
  const message = create.error instanceof Error ? create.error.message : undefined;
  const errorOn = (f: typeof field) => (field === f ? message : undefined);
  return (
    <FormDialog
      onClose={onClose}
      title="Add a chat channel"
      description={
        platform.buttons
          ? 'Incident messages carry Acknowledge, Reboot and Stop buttons. Each opens Overcast, where the person who pressed it logs in and confirms; it acts with their rights, once.'
          : 'Incident messages carry Acknowledge, Reboot and Stop links. Each opens Overcast, where the person logs in and confirms; it acts with their rights, once.'
      }
      busy={create.isPending}
      error={field ? null : create.error}
      onSubmit={() => create.mutate()}
      submitLabel="Add"
    >
      <SelectField label="Platform" value={kind} onChange={(e) => setKind(e.target.value as ChatKind)}>
        {CHAT_KIND_LIST.map((k) => (
          <option key={k} value={k}>
            {CHAT_PLATFORMS[k].name}
          </option>
        ))}
      </SelectField>
      <NameField value={name} onChange={setName} maxLength={100} error={errorOn('name')} />
      <TextField
        label={platform.urlLabel}
        type="url"
        value={url}
        onChange={(e) => setUrl(e.target.value)}
        required
        placeholder={platform.placeholder}
        hint={`${platform.hint} Stored encrypted and never shown again.`}
        error={errorOn('url')}
      />
      {kind === 'ntfy' && (
        <>
          <TextField
            label="Topic"
            value={topic}
            onChange={(e) => setTopic(e.target.value)}
            required
            pattern="[A-Za-z0-9_\-]+"
            maxLength={64}
            placeholder="overcast-oncall-7f3a"
            hint="Letters, digits, _ and -. On a public server anyone who knows the topic can read it: pick one hard to guess."
            error={errorOn('topic')}
          />
          <TextField
            label="Access token (optional)"
            type="password"
            autoComplete="off"
            value={accessToken}
            onChange={(e) => setAccessToken(e.target.value)}
            placeholder="tk_…"
            hint="For a protected topic. Stored encrypted."
            error={errorOn('accessToken')}
          />
        </>
      )}
    </FormDialog>
  );
}
