import { type UseQueryResult, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { errorText } from '../api/errors';
import { stackKeys } from '../api/stacks';
import {
  createTemplate,
  galleryQuery,
  templateQuery,
  templateVersionsQuery,
  updateTemplate,
} from '../api/templates';
import type { Template, TemplateVersion } from '../api/types';
import { usePermissions } from '../auth/permissions';
import { PublishDialog } from '../stacks/PublishDialog';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { Card } from '../ui/Card';
import { SelectField } from '../ui/Field';
import { CompassIcon, PlayIcon } from '../ui/icons';
import layout from '../ui/layout.module.css';
import { Page } from '../ui/Page';
import { QueryState } from '../ui/QueryState';
import { RelativeTime } from '../ui/RelativeTime';
import { TextField } from '../ui/TextField';
import { useResourceMutation } from '../ui/useResourceMutation';
import { DeployTemplateDialog } from './DeployTemplateDialog';
import { Commit, GitSource } from './GitSource';
import { TemplateEditor } from './TemplateEditor';
import styles from './templates.module.css';
import { saveBlocker, useTemplateCheck } from './useTemplateCheck';

const BACK = { to: '/templates', label: 'Templates' };

/** Save, or why not yet; the server's refusal under it. */
function SaveBar({
  blocker,
  busy,
  error,
  onSave,
}: {
  blocker: string | null;
  busy: boolean;
  error: unknown;
  onSave: () => void;
}) {
  return (
    <div className={layout.stackSmall}>
      <div className={layout.inline}>
        <Button variant="primary" disabled={blocker !== null} busy={busy} onClick={onSave}>
          Save
        </Button>
        {blocker && (
          <p className={layout.muted} role="status" data-save-blocker>
            {blocker}
          </p>
        )}
      </div>
      {error ? <Alert>{errorText(error)}</Alert> : null}
    </div>
  );
}

/** /templates/new: a name, a source (blank or from the gallery), checked as typed; saved as version 1. */
export function NewTemplatePage() {
  const navigate = useNavigate();
  const gallery = useQuery(galleryQuery);
  const [name, setName] = useState('');
  const [source, setSource] = useState('');
  const [start, setStart] = useState('');
  const check = useTemplateCheck(source);
  const save = useResourceMutation({
    mutationFn: () => createTemplate({ name: name.trim(), source }),
    invalidates: [stackKeys.templates()],
    success: (t) => `Saved ${t.name}, version 1`,
    onSuccess: (t) => navigate(`/templates/${t.id}`, { replace: true }),
  });
  const chosen = gallery.data?.find((g) => g.name === start);
  const startFrom = (galleryName: string) => {
    const next = gallery.data?.find((g) => g.name === galleryName);
    const loaded = gallery.data?.find((g) => g.name === start)?.source ?? '';
    // Typed work is only replaced when the person says so.
    if (source.trim() && source !== loaded && !window.confirm('Replace what you have written?')) return;
    setStart(galleryName);
    setSource(next?.source ?? '');
    if (next && !name.trim()) setName(next.name);
  };
  return (
    <Page title="New template" back={BACK} description="Written in YAML and checked as you type.">
      <Card>
        <div className={layout.stack}>
          <div className={layout.stackSmall}>
            <TextField
              label="Name"
              name="name"
              required
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
            <SelectField
              label="Start from the gallery"
              name="gallery"
              value={start}
              hint={
                gallery.isError
                  ? `The gallery did not load: ${errorText(gallery.error)}`
                  : chosen?.description || 'Templates Overcast ships, to copy and change.'
              }
              onChange={(e) => startFrom(e.target.value)}
            >
              <option value="">A blank template</option>
              {(gallery.data ?? []).map((g) => (
                <option key={g.name} value={g.name}>
                  {g.name}
                </option>
              ))}
            </SelectField>
          </div>
          <TemplateEditor value={source} onChange={setSource} problems={check.problems} />
          <SaveBar
            blocker={saveBlocker({ name, source, unchanged: false, check })}
            busy={save.isPending}
            error={save.error}
            onSave={() => save.mutate(undefined)}
          />
        </div>
      </Card>
    </Page>
  );
}

/** /templates/:id: the current version to edit, every version to look at, deploy or publish. */
export function TemplatePage() {
  const { id = '' } = useParams();
  const template = useQuery(templateQuery(id));
  const versions = useQuery(templateVersionsQuery(id));
  const { manageOrganization } = usePermissions();
  const [publishing, setPublishing] = useState(false);
  return (
    <Page
      title={template.data?.name ?? 'Template'}
      back={BACK}
      description={template.data?.description || undefined}
      actions={
        manageOrganization &&
        template.data && (
          <Button size="sm" icon={<CompassIcon />} onClick={() => setPublishing(true)}>
            Publish to the catalog
          </Button>
        )
      }
    >
      <QueryState query={template}>
        {template.data && (
          // Keyed by id: another template's page starts from its own source.
          <Workspace key={template.data.id} template={template.data} versions={versions} />
        )}
      </QueryState>
      {publishing && template.data && (
        <PublishDialog template={template.data} onClose={() => setPublishing(false)} />
      )}
    </Page>
  );
}

function Workspace({
  template,
  versions,
}: {
  template: Template;
  versions: UseQueryResult<TemplateVersion[]>;
}) {
  const { can } = usePermissions();
  // An imported template is changed in its repository, not here.
  const canEdit = can('templates', 'edit') && !template.git;
  const canDeploy = can('stacks', 'create');
  const [draft, setDraft] = useState(template.source);
  const [viewing, setViewing] = useState<number | null>(null);
  const [deploying, setDeploying] = useState<{ version: number; inputs: Template['inputs'] } | null>(null);
  const older = viewing === null ? undefined : versions.data?.find((v) => v.version === viewing);
  const check = useTemplateCheck(draft, canEdit && !older);
  const save = useResourceMutation({
    mutationFn: () => updateTemplate(template.id, { source: draft }),
    invalidates: [stackKeys.templates()],
    success: (t) => `Saved ${t.name}, version ${t.version}`,
  });
  const deployButton = (version: number, inputs: Template['inputs'], label: string) =>
    canDeploy && (
      <Button size="sm" icon={<PlayIcon />} onClick={() => setDeploying({ version, inputs })}>
        {label}
      </Button>
    );
  return (
    <div className={styles.layout}>
      <Card
        title={older ? `Version ${older.version}` : `Version ${template.version}`}
        meta={older ? 'read-only' : 'current'}
        actions={
          older
            ? deployButton(older.version, older.inputs, 'Deploy this version')
            : deployButton(template.version, template.inputs, `Deploy version ${template.version}`)
        }
      >
        <div className={layout.stack}>
          {older && (
            <Alert tone="info">
              This is version {older.version}, saved by {older.createdBy || 'someone'}; it cannot be changed.
              {template.git ? '' : ' Copy what you need into the current version.'}{' '}
              <Button size="sm" onClick={() => setViewing(null)}>
                Back to the current version
              </Button>
            </Alert>
          )}
          <TemplateEditor
            // An imported template shows what Git gave last: there is no draft of it.
            value={older ? older.source : template.git ? template.source : draft}
            onChange={setDraft}
            readOnly={!!older || !canEdit}
            problems={older ? [] : check.problems}
          />
          {canEdit && !older && (
            <SaveBar
              blocker={saveBlocker({
                name: template.name,
                source: draft,
                unchanged: draft === template.source,
                check,
              })}
              busy={save.isPending}
              error={save.error}
              onSave={() => save.mutate(undefined)}
            />
          )}
        </div>
      </Card>
      <div className={layout.stack}>
        {template.git && <GitSource template={template} git={template.git} />}
        <Card title="Versions" meta="newest first">
          <QueryState query={versions} lines={3}>
            <ul className={styles.versions} aria-label="Versions">
              {(versions.data ?? []).map((v) => {
                const current = v.version === template.version;
                const shown = current ? !older : older?.version === v.version;
                return (
                  <li key={v.version} data-version={v.version}>
                    <button
                      type="button"
                      className={styles.version}
                      aria-current={shown}
                      onClick={() => setViewing(current ? null : v.version)}
                    >
                      <strong>Version {v.version}</strong>
                      {current && <span className={layout.muted}>current</span>}
                      <span className={layout.muted}>
                        {v.createdBy || 'someone'}, <RelativeTime value={v.createdAt} />
                      </span>
                      {v.git && (
                        <span className={layout.muted} data-version-commit={v.git.commit}>
                          commit <Commit id={v.git.commit} />
                        </span>
                      )}
                    </button>
                  </li>
                );
              })}
            </ul>
          </QueryState>
        </Card>
      </div>
      {deploying && (
        <DeployTemplateDialog
          template={template}
          version={deploying.version}
          inputs={deploying.inputs}
          onClose={() => setDeploying(null)}
        />
      )}
    </div>
  );
}
