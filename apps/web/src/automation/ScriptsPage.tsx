import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import {
  automationKeys,
  createScript,
  deleteScript,
  scriptRunsQuery,
  scriptsQuery,
  updateScript,
} from '../api/automation';
import { errorText } from '../api/errors';
import type { Script, ScriptParameter } from '../api/types';
import { usePermissions } from '../auth/permissions';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { Card } from '../ui/Card';
import { Dialog } from '../ui/Dialog';
import { EmptyState } from '../ui/EmptyState';
import { SelectField } from '../ui/Field';
import { PlayIcon, PlusIcon, TerminalIcon, TrashIcon } from '../ui/icons';
import layout from '../ui/layout.module.css';
import { Page } from '../ui/Page';
import { RelativeTime } from '../ui/RelativeTime';
import { Skeleton } from '../ui/Skeleton';
import { TextField } from '../ui/TextField';
import { useCreateButton } from '../ui/useCreateButton';
import { useResourceMutation } from '../ui/useResourceMutation';
import styles from './automation.module.css';
import { RunDialog } from './RunDialog';
import { RunOutput, StatusBadge } from './RunOutput';
import { ScriptEditor } from './ScriptEditor';

const NEW_BODY =
  '#!/bin/sh\n# Parameters arrive as environment variables, e.g. $NAME.\nset -eu\necho "hello from $(hostname)"\n';

const NEW_PLAYBOOK =
  '# Runs on every target at once; parameters arrive as variables, e.g. {{ NAME }}.\n- hosts: all\n  tasks:\n    - name: say hello\n      ansible.builtin.debug:\n        msg: "hello from {{ inventory_hostname }}"\n';

interface Draft {
  name: string;
  description: string;
  kind: 'shell' | 'executable' | 'ansible';
  body: string;
  parameters: ScriptParameter[];
  /** An ansible script's requirements file; empty for none. */
  requirements: string;
}

/** A kind change on an untouched new script swaps in that kind's example. */
const exampleFor = (kind: Draft['kind']) => (kind === 'ansible' ? NEW_PLAYBOOK : NEW_BODY);

const draftOf = (s: Script | null): Draft =>
  s
    ? {
        name: s.name,
        description: s.description,
        kind: s.kind as Draft['kind'],
        body: s.body,
        parameters: s.parameters,
        requirements: s.requirements ?? '',
      }
    : { name: '', description: '', kind: 'shell', body: NEW_BODY, parameters: [], requirements: '' };

export function ScriptsPage() {
  const scripts = useQuery(scriptsQuery);
  const permissions = usePermissions();
  const [selected, setSelected] = useState<string | 'new' | null>(null);
  const current = scripts.data?.find((s) => s.id === selected) ?? null;
  useEffect(() => {
    if (selected === null && scripts.data?.[0]) setSelected(scripts.data[0].id);
  }, [selected, scripts.data]);

  const newButton = useCreateButton('scripts', 'New script', () => setSelected('new'));

  return (
    <Page
      title="Scripts"
      description="Shell scripts and Ansible playbooks to run on one machine or many at once."
      actions={newButton}
    >
      {scripts.isError ? (
        <Alert>{errorText(scripts.error)}</Alert>
      ) : !scripts.data ? (
        <Card>
          <Skeleton width="60%" />
        </Card>
      ) : scripts.data.length === 0 && selected !== 'new' ? (
        <EmptyState icon={<TerminalIcon />} title="No scripts yet" actions={newButton}>
          <p>
            Save shell scripts here to run them on one machine or on many at once, and read the output of
            every run.
          </p>
        </EmptyState>
      ) : (
        <div className={styles.layout}>
          <Card flush>
            <ul className={styles.list} aria-label="Scripts">
              {scripts.data.map((s) => (
                <li key={s.id}>
                  <button
                    type="button"
                    className={styles.listItem}
                    aria-current={s.id === selected}
                    onClick={() => setSelected(s.id)}
                  >
                    {s.name}
                    <span className={styles.itemMeta}>
                      v{s.version} · {s.kind}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          </Card>
          {selected === 'new' || current ? (
            <ScriptDetail
              key={current?.id ?? 'new'}
              script={current}
              canEdit={permissions.can('scripts', current ? 'edit' : 'create')}
              canRun={permissions.can('scripts', 'run')}
              canDelete={permissions.can('scripts', 'delete')}
              onSaved={(s) => setSelected(s.id)}
              onDeleted={() => setSelected(null)}
            />
          ) : null}
        </div>
      )}
    </Page>
  );
}

function ScriptDetail({
  script,
  canEdit,
  canRun,
  canDelete,
  onSaved,
  onDeleted,
}: {
  script: Script | null;
  canEdit: boolean;
  canRun: boolean;
  canDelete: boolean;
  onSaved: (s: Script) => void;
  onDeleted: () => void;
}) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(script));
  const [running, setRunning] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const dirty = JSON.stringify(draft) !== JSON.stringify(draftOf(script));
  const save = useResourceMutation({
    mutationFn: () => {
      const body = {
        ...draft,
        name: draft.name.trim(),
        requirements: draft.kind === 'ansible' && draft.requirements.trim() ? draft.requirements : null,
      };
      return script ? updateScript(script.id, body) : createScript(body);
    },
    invalidates: [automationKeys.scripts],
    success: (s) =>
      script && s.version !== script.version ? `Saved ${s.name} as version ${s.version}` : `Saved ${s.name}`,
    onSuccess: onSaved,
  });
  const remove = useResourceMutation({
    mutationFn: () => deleteScript(script!.id),
    invalidates: [automationKeys.scripts],
    success: `Deleted ${script?.name}`,
    onSuccess: onDeleted,
  });
  const setParam = (i: number, p: Partial<ScriptParameter>) =>
    setDraft({ ...draft, parameters: draft.parameters.map((x, j) => (j === i ? { ...x, ...p } : x)) });

  return (
    <div className={layout.stack}>
      <Card
        title={script ? script.name : 'New script'}
        meta={script ? `version ${script.version}` : undefined}
        actions={
          script && (
            <>
              <Button
                variant="primary"
                icon={<PlayIcon />}
                disabled={!canRun || dirty}
                onClick={() => setRunning(true)}
              >
                Run…
              </Button>
              {canDelete && (
                <Button icon={<TrashIcon />} onClick={() => setConfirmDelete(true)}>
                  Delete
                </Button>
              )}
            </>
          )
        }
      >
        <form
          className={layout.stack}
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate();
          }}
        >
          {save.isError && <Alert>{errorText(save.error)}</Alert>}
          <div className={styles.row}>
            <TextField
              label="Name"
              value={draft.name}
              required
              maxLength={200}
              readOnly={!canEdit}
              onChange={(e) => setDraft({ ...draft, name: e.target.value })}
            />
            <SelectField
              label="Kind"
              value={draft.kind}
              disabled={!canEdit}
              onChange={(e) => {
                const kind = e.target.value as Draft['kind'];
                const untouched = draft.body === NEW_BODY || draft.body === NEW_PLAYBOOK;
                setDraft({ ...draft, kind, body: untouched ? exampleFor(kind) : draft.body });
              }}
            >
              <option value="shell">Shell script (run by /bin/sh)</option>
              <option value="executable">Executable (its #! line picks the interpreter)</option>
              <option value="ansible">Ansible playbook (run on all targets at once)</option>
            </SelectField>
          </div>
          <TextField
            label="Description"
            aside="optional"
            value={draft.description}
            readOnly={!canEdit}
            onChange={(e) => setDraft({ ...draft, description: e.target.value })}
          />
          <ScriptEditor
            label={draft.kind === 'ansible' ? 'Playbook' : 'Script'}
            language={draft.kind === 'ansible' ? 'yaml' : 'shell'}
            value={draft.body}
            readOnly={!canEdit}
            onChange={(body) => setDraft({ ...draft, body })}
          />
          {draft.kind === 'ansible' && (
            <fieldset className={styles.fieldset}>
              <legend>Requirements (optional): collections the playbook needs</legend>
              <p className={layout.muted}>
                Nothing is downloaded: each collection must already be installed with the worker's Ansible
                (Debian's package ships the common ones, such as community.general).
              </p>
              <ScriptEditor
                label="Requirements file"
                language="yaml"
                testId="requirements-editor"
                value={draft.requirements}
                readOnly={!canEdit}
                onChange={(requirements) => setDraft({ ...draft, requirements })}
              />
            </fieldset>
          )}
          <fieldset className={styles.fieldset}>
            <legend>
              Parameters (passed as {draft.kind === 'ansible' ? 'variables' : 'environment variables'})
            </legend>
            <div className={layout.stackSmall}>
              {draft.parameters.map((p, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place, names change as typed
                <div key={i} className={styles.param}>
                  <TextField
                    label="Variable"
                    value={p.name}
                    required
                    pattern="[A-Za-z_][A-Za-z0-9_]*"
                    onChange={(e) => setParam(i, { name: e.target.value })}
                  />
                  <TextField
                    label="Description"
                    value={p.description ?? ''}
                    onChange={(e) => setParam(i, { description: e.target.value || undefined })}
                  />
                  <TextField
                    label="Default"
                    value={p.default ?? ''}
                    onChange={(e) => setParam(i, { default: e.target.value || undefined })}
                  />
                  <label className={styles.check}>
                    <input
                      type="checkbox"
                      checked={Boolean(p.required)}
                      onChange={(e) => setParam(i, { required: e.target.checked || undefined })}
                    />
                    Required
                  </label>
                  <Button
                    size="sm"
                    icon={<TrashIcon />}
                    aria-label={`Remove parameter ${p.name}`}
                    onClick={() =>
                      setDraft({ ...draft, parameters: draft.parameters.filter((_, j) => j !== i) })
                    }
                  />
                </div>
              ))}
              {canEdit && (
                <div>
                  <Button
                    size="sm"
                    icon={<PlusIcon />}
                    onClick={() => setDraft({ ...draft, parameters: [...draft.parameters, { name: '' }] })}
                  >
                    Add parameter
                  </Button>
                </div>
              )}
            </div>
          </fieldset>
          {canEdit && (
            <div className={styles.actions}>
              <Button variant="primary" type="submit" busy={save.isPending} disabled={!dirty}>
                {script ? 'Save new version' : 'Create script'}
              </Button>
            </div>
          )}
        </form>
      </Card>
      {script && <RecentRuns scriptId={script.id} />}
      {running && script && <RunDialog script={script} onClose={() => setRunning(false)} />}
      {confirmDelete && script && (
        <Dialog
          open
          size="sm"
          onClose={() => setConfirmDelete(false)}
          title={`Delete ${script.name}?`}
          description="Its versions and the output of its runs go with it."
          busy={remove.isPending}
          footer={
            <>
              <Button onClick={() => setConfirmDelete(false)}>Cancel</Button>
              <Button variant="danger" busy={remove.isPending} onClick={() => remove.mutate()}>
                Delete
              </Button>
            </>
          }
        >
          {remove.isError ? <Alert>{errorText(remove.error)}</Alert> : <span />}
        </Dialog>
      )}
    </div>
  );
}

function RecentRuns({ scriptId }: { scriptId: string }) {
  const runs = useQuery(scriptRunsQuery(scriptId));
  const [open, setOpen] = useState<string | null>(null);
  if (!runs.data?.length) return null;
  return (
    <Card title="Runs">
      <ul className={styles.list}>
        {runs.data.map((r) => (
          <li key={r.id}>
            <button
              type="button"
              className={styles.listItem}
              aria-expanded={open === r.id}
              onClick={() => setOpen(open === r.id ? null : r.id)}
            >
              <StatusBadge status={r.status} /> v{r.version} by {r.startedBy} ·{' '}
              <RelativeTime value={r.createdAt} /> ·{' '}
              {Object.entries(r.counts)
                .map(([s, n]) => `${n} ${s.replace('_', ' ')}`)
                .join(', ')}
            </button>
            {open === r.id && <RunOutput runId={r.id} />}
          </li>
        ))}
      </ul>
    </Card>
  );
}
