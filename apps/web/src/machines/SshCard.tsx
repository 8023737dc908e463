import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { errorText } from '../api/errors';
import { machineSshQuery, setMachineSsh, shellSessionsQuery, sshKeysQuery } from '../api/keys';
import { machineKeys } from '../api/machines';
import type { Machine, MachineSsh } from '../api/types';
import { usePermissions } from '../auth/permissions';
import { useSession } from '../auth/SessionContext';
import { useProviderMeta } from '../providers/meta';
import { formatDuration } from '../terminal/asciicast';
import { Alert } from '../ui/Alert';
import { Button, ButtonLink } from '../ui/Button';
import { Card } from '../ui/Card';
import { SelectField } from '../ui/Field';
import { TerminalIcon } from '../ui/icons';
import layout from '../ui/layout.module.css';
import { RelativeTime } from '../ui/RelativeTime';
import { TextField } from '../ui/TextField';
import { toast } from '../ui/toast';
import { NumberField } from '../ui/ValueFields';
import styles from './MachineDetailPage.module.css';

/** The key, user and port the browser terminal logs in with, and the way to open it. */
export function SshCard({ machine: m, canEdit }: { machine: Machine; canEdit: boolean }) {
  const providerMeta = useProviderMeta();
  const ssh = useQuery(machineSshQuery(m.id));
  const canShell = usePermissions().can('machines', 'shell');
  return (
    <Card
      title="SSH"
      actions={
        canShell && m.state === 'running' ? (
          <ButtonLink to={`/machines/${m.id}/terminal`} size="sm" variant="primary" icon={<TerminalIcon />}>
            Open terminal
          </ButtonLink>
        ) : undefined
      }
    >
      {ssh.isError ? (
        <Alert>{errorText(ssh.error)}</Alert>
      ) : ssh.data ? (
        <SshForm
          key={ssh.dataUpdatedAt}
          machineId={m.id}
          current={ssh.data}
          canEdit={canEdit}
          portFromCloud={providerMeta(m.provider).machinesFromConfig === true}
        />
      ) : (
        <p className={layout.note}>Loading…</p>
      )}
    </Card>
  );
}

function SshForm({
  machineId,
  current,
  canEdit,
  portFromCloud,
}: {
  machineId: string;
  current: MachineSsh;
  canEdit: boolean;
  /** An SSH host is reached at the port it was added with; this one does not apply. */
  portFromCloud: boolean;
}) {
  const queryClient = useQueryClient();
  const keys = useQuery(sshKeysQuery);
  const [keyId, setKeyId] = useState(current.keyId ?? '');
  const [user, setUser] = useState(current.user ?? '');
  const [port, setPort] = useState(current.port ? String(current.port) : '');
  const save = useMutation({
    mutationFn: () =>
      setMachineSsh(machineId, {
        keyId: keyId || null,
        user: user.trim() || null,
        port: port ? Number(port) : null,
      }),
    onSuccess: (data) => {
      queryClient.setQueryData(machineSshQuery(machineId).queryKey, data);
      void queryClient.invalidateQueries({ queryKey: sshKeysQuery.queryKey });
      // The page's Connect line shows the user and port Overcast now reaches the machine with.
      void queryClient.invalidateQueries({ queryKey: machineKeys.detail(machineId) });
      toast.success('SSH settings saved');
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  const changed =
    keyId !== (current.keyId ?? '') ||
    user !== (current.user ?? '') ||
    port !== (current.port ? String(current.port) : '');

  return (
    <form className={layout.stackTight} onSubmit={submit} aria-label="SSH settings">
      {save.isError && <Alert>{errorText(save.error)}</Alert>}
      <SelectField
        label="Key"
        value={keyId}
        onChange={(e) => setKeyId(e.target.value)}
        disabled={!canEdit}
        hint={
          keys.data?.length === 0 ? (
            <>
              No keys yet: <Link to="/keys">add one</Link>.
            </>
          ) : undefined
        }
      >
        <option value="">The organization's default key</option>
        {keys.data?.map((key) => (
          <option key={key.id} value={key.id}>
            {key.name}
          </option>
        ))}
        {current.keyId && !keys.data?.some((k) => k.id === current.keyId) && (
          <option value={current.keyId}>{current.keyName ?? 'Current key'}</option>
        )}
      </SelectField>
      <TextField
        label="User"
        value={user}
        placeholder="root"
        onChange={(e) => setUser(e.target.value)}
        disabled={!canEdit}
        autoComplete="off"
        spellCheck={false}
      />
      <NumberField
        label="Port"
        min={1}
        max={65535}
        value={port}
        placeholder="22"
        onChange={setPort}
        disabled={!canEdit || portFromCloud}
        hint={portFromCloud ? "An SSH host is reached at the port in its cloud's settings." : undefined}
      />
      {canEdit && (
        <div>
          <Button type="submit" size="sm" busy={save.isPending} disabled={!changed}>
            Save SSH settings
          </Button>
        </div>
      )}
    </form>
  );
}

/** Past terminal sessions on the machine, each with its recording. */
export function SessionsCard({ machineId }: { machineId: string }) {
  const session = useSession();
  const sessions = useQuery(shellSessionsQuery(machineId));
  // Sessions end while this page is open in another tab; a light refresh keeps the list honest.
  const { refetch } = sessions;
  useEffect(() => {
    const onFocus = () => void refetch();
    window.addEventListener('focus', onFocus);
    return () => window.removeEventListener('focus', onFocus);
  }, [refetch]);

  const items = sessions.data ?? [];
  return (
    <Card title="Terminal sessions" meta={items.length ? String(items.length) : undefined}>
      {sessions.isError ? (
        <Alert>{errorText(sessions.error)}</Alert>
      ) : items.length === 0 ? (
        <p className={layout.note}>
          {sessions.data ? 'No terminal sessions yet. Each one is recorded here.' : 'Loading…'}
        </p>
      ) : (
        <ul className={styles.sessions} aria-label="Terminal sessions">
          {items.map((s) => (
            <li key={s.id}>
              <span className={styles.sessionText}>
                <span>
                  {s.userId === session.user.id ? 'You' : (s.userName ?? 'A former member')}
                  {' · '}
                  <RelativeTime value={s.startedAt} />
                </span>
                <span className={layout.note}>
                  {formatDuration(s.durationSeconds)}
                  {s.endReason ? ` · ${s.endReason}` : ''}
                </span>
              </span>
              {s.hasRecording && (
                <ButtonLink to={`/machines/${machineId}/recordings/${s.id}`} size="xs">
                  Replay
                </ButtonLink>
              )}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
