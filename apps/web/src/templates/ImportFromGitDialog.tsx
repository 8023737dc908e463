import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { errorField } from '../api/errors';
import { stackKeys } from '../api/stacks';
import { importTemplate } from '../api/templates';
import { FormDialog } from '../ui/FormDialog';
import layout from '../ui/layout.module.css';
import { Spinner } from '../ui/Spinner';
import { TextField } from '../ui/TextField';
import { useResourceMutation } from '../ui/useResourceMutation';
import { shortCommit } from './GitSource';

const FIELDS = ['name', 'url', 'ref', 'path', 'token'] as const;
type FieldName = (typeof FIELDS)[number];

/** Import a template from a Git repository: the file at a ref, pinned to its commit. */
export function ImportFromGitDialog({ onClose }: { onClose: () => void }) {
  const navigate = useNavigate();
  const [form, setForm] = useState<Record<FieldName, string>>({
    name: '',
    url: '',
    ref: '',
    path: '',
    token: '',
  });
  const [errors, setErrors] = useState<Partial<Record<FieldName, string>>>({});
  const set = (field: FieldName) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [field]: e.target.value }));
  const run = useResourceMutation({
    mutationFn: () =>
      importTemplate({
        name: form.name.trim(),
        url: form.url.trim(),
        path: form.path.trim(),
        ...(form.ref.trim() ? { ref: form.ref.trim() } : {}),
        ...(form.token ? { token: form.token } : {}),
      }),
    invalidates: [stackKeys.templates()],
    success: (t) => `Imported ${t.name} at ${shortCommit(t.git?.commit ?? '')}`,
    onSuccess: (t) => navigate(`/templates/${t.id}`),
    onError: (error) => {
      const field = errorField(error, FIELDS);
      setErrors(field ? { [field]: error.message } : {});
    },
  });
  const submit = () => {
    const next: Partial<Record<FieldName, string>> = {};
    if (!form.name.trim()) next.name = 'Give the template a name.';
    if (!/^https?:\/\/\S+$/.test(form.url.trim()))
      next.url = 'An https:// address, as you would give to git clone (SSH addresses are not used).';
    if (!form.path.trim()) next.path = 'The YAML file, from the repository root.';
    setErrors(next);
    if (Object.keys(next).length === 0) run.mutate();
  };
  // Errors that belong to a field are shown beside it; the others at the top.
  const topError = run.error && !errorField(run.error, FIELDS) ? run.error : null;
  return (
    <FormDialog
      title="Import from Git"
      description="Overcast reads the file at the ref and keeps the commit it was read at. The template stays read-only here: change it in the repository, then update it from Git."
      onClose={onClose}
      onSubmit={submit}
      busy={run.isPending}
      submitLabel="Import"
      error={topError}
      noValidate
      formId="import-template"
      status={
        run.isPending ? (
          <span className={layout.inline} role="status">
            <Spinner size="sm" /> Fetching from the repository…
          </span>
        ) : null
      }
    >
      <TextField
        label="Name"
        name="name"
        value={form.name}
        onChange={set('name')}
        error={errors.name}
        maxLength={200}
        autoComplete="off"
      />
      <TextField
        label="Repository URL"
        name="url"
        type="url"
        placeholder="https://github.com/acme/infra.git"
        value={form.url}
        onChange={set('url')}
        error={errors.url}
        spellCheck={false}
        autoComplete="off"
      />
      <TextField
        label="Branch, tag or commit"
        name="ref"
        placeholder="The repository's default branch"
        hint="A commit is given as its full 40-character id."
        value={form.ref}
        onChange={set('ref')}
        error={errors.ref}
        spellCheck={false}
        autoComplete="off"
      />
      <TextField
        label="File"
        name="path"
        placeholder="templates/web.yaml"
        value={form.path}
        onChange={set('path')}
        error={errors.path}
        spellCheck={false}
        autoComplete="off"
      />
      <TextField
        label="Access token"
        name="token"
        type="password"
        hint="Only for a private repository; stored encrypted and never shown again."
        value={form.token}
        onChange={set('token')}
        error={errors.token}
        autoComplete="new-password"
      />
    </FormDialog>
  );
}
