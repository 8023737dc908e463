import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useState } from 'react';
import { ApiError, errorText } from '../api/errors';
import { createSshKey, deleteSshKey, sshKeysQuery, updateSshKey } from '../api/keys';
import type { SshKey } from '../api/types';
import { usePermissions } from '../auth/permissions';
import { Alert } from '../ui/Alert';
import { Badge } from '../ui/Badge';
import { Button } from '../ui/Button';
import { Card } from '../ui/Card';
import table from '../ui/DataTable.module.css';
import { Dialog } from '../ui/Dialog';
import { EmptyState } from '../ui/EmptyState';
import { TextAreaField } from '../ui/Field';
import { KeyIcon, PencilIcon, PlusIcon, TrashIcon } from '../ui/icons';
import { Menu } from '../ui/Menu';
import { Page } from '../ui/Page';
import { RelativeTime } from '../ui/RelativeTime';
import { Skeleton } from '../ui/Skeleton';
import { TextField } from '../ui/TextField';
import { toast } from '../ui/toast';
import styles from './keys.module.css';
import { PublicKey } from './PublicKey';

type Editing =
  | { kind: 'generate' }
  | { kind: 'import' }
  | { kind: 'rename'; key: SshKey }
  | { kind: 'delete'; key: SshKey }
  | null;

export function KeysPage() {
  const query = useQuery(sshKeysQuery);
  const permissions = usePermissions();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<Editing>(null);
  const close = () => setEditing(null);
  const keys = query.data ?? [];

  const makeDefault = useMutation({
    mutationFn: (key: SshKey) => updateSshKey(key.id, { isDefault: true }),
    onSuccess: (key) => {
      toast.success(`${key.name} is now the default key`);
      void queryClient.invalidateQueries({ queryKey: sshKeysQuery.queryKey });
    },
    onError: (error) => toast.error('The default key was not changed', { description: errorText(error) }),
  });

  const actions = permissions.can('keys', 'create') ? (
    <>
      <Button icon={<PlusIcon />} onClick={() => setEditing({ kind: 'import' })}>
        Import key
      </Button>
      <Button variant="primary" icon={<KeyIcon />} onClick={() => setEditing({ kind: 'generate' })}>
        Generate key
      </Button>
    </>
  ) : undefined;

  return (
    <Page
      title="Keys"
      description="SSH keys that Overcast logs in to your machines with."
      actions={keys.length > 0 ? actions : undefined}
    >
      {query.isError ? (
        <Alert>
          {errorText(query.error)}{' '}
          <Button size="xs" onClick={() => query.refetch()}>
            Try again
          </Button>
        </Alert>
      ) : !query.data ? (
        <Card>
          <Skeleton width="60%" />
        </Card>
      ) : keys.length === 0 ? (
        <EmptyKeys actions={actions} />
      ) : (
        <Card flush>
          <div className={table.scroll}>
            <table className={`${table.table} ${styles.table}`}>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Fingerprint and public key</th>
                  <th scope="col">Algorithm</th>
                  <th scope="col" className={table.end}>
                    Machines
                  </th>
                  <th scope="col">Added</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {keys.map((key) => (
                  <tr key={key.id} data-key-id={key.id}>
                    <td>
                      <span className={styles.name}>
                        {key.name}
                        {key.isDefault && <Badge tone="info">Default</Badge>}
                      </span>
                    </td>
                    <td>
                      <code className={styles.fingerprint}>{key.fingerprint}</code>
                      <PublicKey sshKey={key} />
                    </td>
                    <td>{key.algorithm}</td>
                    <td className={table.end}>{key.machineCount}</td>
                    <td>
                      <RelativeTime value={key.createdAt} />
                    </td>
                    <td className={table.end}>
                      <span className={styles.rowActions}>
                        {permissions.can('keys', 'edit') && (
                          <Menu
                            label={`More actions for ${key.name}`}
                            items={[
                              ...(key.isDefault
                                ? []
                                : [
                                    {
                                      label: 'Make default',
                                      icon: <KeyIcon />,
                                      onSelect: () => makeDefault.mutate(key),
                                    },
                                  ]),
                              {
                                label: 'Rename',
                                icon: <PencilIcon />,
                                onSelect: () => setEditing({ kind: 'rename', key }),
                              },
                              {
                                label: 'Delete',
                                icon: <TrashIcon />,
                                danger: true,
                                onSelect: () => setEditing({ kind: 'delete', key }),
                              },
                            ]}
                          />
                        )}
                      </span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Card>
      )}
      {(editing?.kind === 'generate' || editing?.kind === 'import') && (
        <NewKeyDialog mode={editing.kind} first={keys.length === 0} onClose={close} />
      )}
      {editing?.kind === 'rename' && <RenameDialog sshKey={editing.key} onClose={close} />}
      {editing?.kind === 'delete' && <DeleteDialog sshKey={editing.key} onClose={close} />}
    </Page>
  );
}

function EmptyKeys({ actions }: { actions: ReactNode }) {
  return (
    <EmptyState icon={<KeyIcon />} title="No SSH keys yet" actions={actions}>
      <p>
        SSH keys kept here let Overcast open a terminal on your machines from the browser and run scripts on
        them, without sharing private keys around the team.
      </p>
      <p>
        Generate a new key and add its public half to your machines' <code>~/.ssh/authorized_keys</code>, or
        import a key they already accept.
      </p>
    </EmptyState>
  );
}

function useRefreshKeys() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: sshKeysQuery.queryKey });
}

function NewKeyDialog({
  mode,
  first,
  onClose,
}: {
  mode: 'generate' | 'import';
  first: boolean;
  onClose: () => void;
}) {
  const refresh = useRefreshKeys();
  const [name, setName] = useState('');
  const [type, setType] = useState<'ed25519' | 'rsa'>('ed25519');
  const [privateKey, setPrivateKey] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [isDefault, setIsDefault] = useState(first);
  const create = useMutation({
    mutationFn: () =>
      createSshKey(
        mode === 'generate'
          ? { name: name.trim(), type, isDefault }
          : { name: name.trim(), privateKey, ...(passphrase ? { passphrase } : {}), isDefault },
      ),
    onSuccess: (key) => {
      toast.success(mode === 'generate' ? `Generated ${key.name}` : `Imported ${key.name}`, {
        description: key.fingerprint,
      });
      void refresh();
      onClose();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  const title = mode === 'generate' ? 'Generate an SSH key' : 'Import an SSH key';
  return (
    <Dialog
      open
      onClose={onClose}
      title={title}
      busy={create.isPending}
      description={
        mode === 'generate'
          ? 'Overcast keeps the private key; copy the public key to the machines it should open.'
          : 'Paste a private key (OpenSSH or PEM). The passphrase unlocks it once and is not stored.'
      }
      footer={
        <>
          <Button onClick={onClose} disabled={create.isPending}>
            Cancel
          </Button>
          <Button variant="primary" type="submit" form="new-key-form" busy={create.isPending}>
            {mode === 'generate' ? 'Generate' : 'Import'}
          </Button>
        </>
      }
    >
      <form id="new-key-form" className={styles.form} onSubmit={submit}>
        {create.isError && <Alert>{errorText(create.error)}</Alert>}
        <TextField
          label="Name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          required
          maxLength={100}
          autoComplete="off"
        />
        {mode === 'generate' ? (
          <fieldset className={styles.choices}>
            <legend>Type</legend>
            <label className={styles.choice}>
              <input
                type="radio"
                name="key-type"
                checked={type === 'ed25519'}
                onChange={() => setType('ed25519')}
              />
              Ed25519 (recommended)
            </label>
            <label className={styles.choice}>
              <input type="radio" name="key-type" checked={type === 'rsa'} onChange={() => setType('rsa')} />
              RSA, 4096 bits (for older servers)
            </label>
          </fieldset>
        ) : (
          <>
            <TextAreaField
              label="Private key"
              value={privateKey}
              onChange={(e) => setPrivateKey(e.target.value)}
              required
              mono
              rows={8}
              spellCheck={false}
              placeholder="-----BEGIN OPENSSH PRIVATE KEY-----"
            />
            <TextField
              label="Passphrase"
              aside="if the key has one"
              type="password"
              value={passphrase}
              onChange={(e) => setPassphrase(e.target.value)}
              autoComplete="off"
            />
          </>
        )}
        <label className={styles.choice}>
          <input type="checkbox" checked={isDefault} onChange={(e) => setIsDefault(e.target.checked)} />
          Default key for machines without one of their own
        </label>
      </form>
    </Dialog>
  );
}

function RenameDialog({ sshKey, onClose }: { sshKey: SshKey; onClose: () => void }) {
  const refresh = useRefreshKeys();
  const [name, setName] = useState(sshKey.name);
  const rename = useMutation({
    mutationFn: () => updateSshKey(sshKey.id, { name: name.trim() }),
    onSuccess: () => {
      void refresh();
      onClose();
    },
  });
  return (
    <Dialog
      open
      onClose={onClose}
      title={`Rename ${sshKey.name}`}
      size="sm"
      busy={rename.isPending}
      footer={
        <>
          <Button onClick={onClose} disabled={rename.isPending}>
            Cancel
          </Button>
          <Button variant="primary" type="submit" form="rename-key-form" busy={rename.isPending}>
            Rename
          </Button>
        </>
      }
    >
      <form
        id="rename-key-form"
        className={styles.form}
        onSubmit={(event) => {
          event.preventDefault();
          rename.mutate();
        }}
      >
        {rename.isError && <Alert>{errorText(rename.error)}</Alert>}
        <TextField
          label="Name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          required
          maxLength={100}
        />
      </form>
    </Dialog>
  );
}

function DeleteDialog({ sshKey, onClose }: { sshKey: SshKey; onClose: () => void }) {
  const refresh = useRefreshKeys();
  const [inUse, setInUse] = useState<string | null>(null);
  const [confirmForce, setConfirmForce] = useState(false);
  const remove = useMutation({
    mutationFn: (force: boolean) => deleteSshKey(sshKey.id, force),
    onSuccess: () => {
      toast.success(`Deleted ${sshKey.name}`);
      void refresh();
      onClose();
    },
    onError: (error) => {
      if (error instanceof ApiError && error.code === 'ssh_key_in_use') setInUse(error.message);
    },
  });
  const otherError = remove.isError && !inUse;
  return (
    <Dialog
      open
      onClose={onClose}
      title={`Delete ${sshKey.name}?`}
      size="sm"
      busy={remove.isPending}
      footer={
        <>
          <Button onClick={onClose} disabled={remove.isPending}>
            Cancel
          </Button>
          {inUse ? (
            <Button
              variant="danger"
              busy={remove.isPending}
              disabled={!confirmForce}
              onClick={() => remove.mutate(true)}
            >
              Delete anyway
            </Button>
          ) : (
            <Button variant="danger" busy={remove.isPending} onClick={() => remove.mutate(false)}>
              Delete
            </Button>
          )}
        </>
      }
    >
      <div className={styles.form}>
        {otherError && <Alert>{errorText(remove.error)}</Alert>}
        {inUse ? (
          <>
            <Alert>{inUse}</Alert>
            <label className={styles.choice}>
              <input
                type="checkbox"
                checked={confirmForce}
                onChange={(e) => setConfirmForce(e.target.checked)}
              />
              Detach it from those machines and delete it
            </label>
          </>
        ) : (
          <p>
            Overcast forgets the private key. Machines that still list its public key keep accepting it until
            you remove it from them.
          </p>
        )}
      </div>
    </Dialog>
  );
}
