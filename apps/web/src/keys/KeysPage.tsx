import { useQuery } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { ApiError } from '../api/errors';
import { createSshKey, deleteSshKey, sshKeysQuery, updateSshKey } from '../api/keys';
import type { SshKey } from '../api/types';
import { usePermissions } from '../auth/permissions';
import { Alert } from '../ui/Alert';
import { Badge } from '../ui/Badge';
import { Button } from '../ui/Button';
import { EmptyState } from '../ui/EmptyState';
import { TextAreaField } from '../ui/Field';
import { FormDialog } from '../ui/FormDialog';
import forms from '../ui/forms.module.css';
import { KeyIcon, PencilIcon, PlusIcon, TrashIcon } from '../ui/icons';
import layout from '../ui/layout.module.css';
import { NameField } from '../ui/NameField';
import { Page } from '../ui/Page';
import { RelativeTime } from '../ui/RelativeTime';
import { ResourceTable } from '../ui/ResourceTable';
import { TextField } from '../ui/TextField';
import { useResourceMutation } from '../ui/useResourceMutation';
import styles from './keys.module.css';
import { PublicKey } from './PublicKey';

type Editing =
  | { kind: 'generate' }
  | { kind: 'import' }
  | { kind: 'rename'; key: SshKey }
  | { kind: 'delete'; key: SshKey }
  | null;

const KEYS = [sshKeysQuery.queryKey];

export function KeysPage() {
  const query = useQuery(sshKeysQuery);
  const permissions = usePermissions();
  const [editing, setEditing] = useState<Editing>(null);
  const close = () => setEditing(null);
  const keys = query.data ?? [];

  const makeDefault = useResourceMutation({
    mutationFn: (key: SshKey) => updateSshKey(key.id, { isDefault: true }),
    invalidates: KEYS,
    success: (key) => `${key.name} is now the default key`,
    failure: 'The default key was not changed',
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
      <ResourceTable
        query={query}
        rows={keys}
        rowKey={(key) => key.id}
        rowProps={(key) => ({ 'data-key-id': key.id })}
        className={styles.table}
        empty={<EmptyKeys actions={actions} />}
        columns={[
          {
            key: 'name',
            header: 'Name',
            cell: (key) => (
              <span className={styles.name}>
                {key.name}
                {key.isDefault && <Badge tone="info">Default</Badge>}
              </span>
            ),
          },
          {
            key: 'key',
            header: 'Fingerprint and public key',
            cell: (key) => (
              <>
                <code className={layout.mono}>{key.fingerprint}</code>
                <PublicKey sshKey={key} />
              </>
            ),
          },
          { key: 'algorithm', header: 'Algorithm', cell: (key) => key.algorithm },
          { key: 'machines', header: 'Machines', numeric: true, cell: (key) => key.machineCount },
          { key: 'added', header: 'Added', cell: (key) => <RelativeTime value={key.createdAt} /> },
        ]}
        actionsLabel={(key) => `More actions for ${key.name}`}
        actions={[
          {
            label: 'Make default',
            icon: <KeyIcon />,
            requires: { kind: 'keys', action: 'edit' },
            hidden: (key) => key.isDefault,
            onSelect: (key) => makeDefault.mutate(key),
          },
          {
            label: 'Rename',
            icon: <PencilIcon />,
            requires: { kind: 'keys', action: 'edit' },
            onSelect: (key) => setEditing({ kind: 'rename', key }),
          },
          {
            label: 'Delete',
            icon: <TrashIcon />,
            danger: true,
            requires: { kind: 'keys', action: 'delete' },
            onSelect: (key) => setEditing({ kind: 'delete', key }),
          },
        ]}
      />
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

function NewKeyDialog({
  mode,
  first,
  onClose,
}: {
  mode: 'generate' | 'import';
  first: boolean;
  onClose: () => void;
}) {
  const [name, setName] = useState('');
  const [type, setType] = useState<'ed25519' | 'rsa'>('ed25519');
  const [privateKey, setPrivateKey] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [isDefault, setIsDefault] = useState(first);
  const create = useResourceMutation({
    mutationFn: () =>
      createSshKey(
        mode === 'generate'
          ? { name: name.trim(), type, isDefault }
          : { name: name.trim(), privateKey, ...(passphrase ? { passphrase } : {}), isDefault },
      ),
    invalidates: KEYS,
    success: (key) => (mode === 'generate' ? `Generated ${key.name}` : `Imported ${key.name}`),
    successDescription: (key) => key.fingerprint,
    onSuccess: onClose,
  });
  return (
    <FormDialog
      onClose={onClose}
      title={mode === 'generate' ? 'Generate an SSH key' : 'Import an SSH key'}
      busy={create.isPending}
      error={create.error}
      onSubmit={() => create.mutate()}
      submitLabel={mode === 'generate' ? 'Generate' : 'Import'}
      description={
        mode === 'generate'
          ? 'Overcast keeps the private key; copy the public key to the machines it should open.'
          : 'Paste a private key (OpenSSH or PEM). The passphrase unlocks it once and is not stored.'
      }
    >
      <NameField value={name} onChange={setName} maxLength={100} />
      {mode === 'generate' ? (
        <fieldset className={forms.choices}>
          <legend>Type</legend>
          <label className={forms.choice}>
            <input
              type="radio"
              name="key-type"
              checked={type === 'ed25519'}
              onChange={() => setType('ed25519')}
            />
            Ed25519 (recommended)
          </label>
          <label className={forms.choice}>
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
      <label className={forms.choice}>
        <input type="checkbox" checked={isDefault} onChange={(e) => setIsDefault(e.target.checked)} />
        Default key for machines without one of their own
      </label>
    </FormDialog>
  );
}

function RenameDialog({ sshKey, onClose }: { sshKey: SshKey; onClose: () => void }) {
  const [name, setName] = useState(sshKey.name);
  const rename = useResourceMutation({
    mutationFn: () => updateSshKey(sshKey.id, { name: name.trim() }),
    invalidates: KEYS,
    onSuccess: onClose,
  });
  return (
    <FormDialog
      onClose={onClose}
      title={`Rename ${sshKey.name}`}
      size="sm"
      busy={rename.isPending}
      error={rename.error}
      onSubmit={() => rename.mutate()}
      submitLabel="Rename"
    >
      <NameField value={name} onChange={setName} maxLength={100} />
    </FormDialog>
  );
}

function DeleteDialog({ sshKey, onClose }: { sshKey: SshKey; onClose: () => void }) {
  const [inUse, setInUse] = useState<string | null>(null);
  const [confirmForce, setConfirmForce] = useState(false);
  const remove = useResourceMutation({
    mutationFn: (force: boolean) => deleteSshKey(sshKey.id, force),
    invalidates: KEYS,
    success: `Deleted ${sshKey.name}`,
    onSuccess: onClose,
    onError: (error) => {
      if (error instanceof ApiError && error.code === 'ssh_key_in_use') setInUse(error.message);
    },
  });
  return (
    <FormDialog
      onClose={onClose}
      title={`Delete ${sshKey.name}?`}
      size="sm"
      busy={remove.isPending}
      error={inUse ? null : remove.error}
      tone="danger"
      submitLabel={inUse ? 'Delete anyway' : 'Delete'}
      submitDisabled={inUse !== null && !confirmForce}
      onSubmit={() => remove.mutate(inUse !== null)}
    >
      {inUse ? (
        <>
          <Alert>{inUse}</Alert>
          <label className={forms.choice}>
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
    </FormDialog>
  );
}
