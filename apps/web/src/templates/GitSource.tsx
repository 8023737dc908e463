import { useState } from 'react';
import { stackKeys } from '../api/stacks';
import { updateTemplateFromGit } from '../api/templates';
import type { Template, TemplateGitUpdate } from '../api/types';
import { usePermissions } from '../auth/permissions';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { Card } from '../ui/Card';
import { RefreshIcon } from '../ui/icons';
import layout from '../ui/layout.module.css';
import { useResourceMutation } from '../ui/useResourceMutation';
import styles from './templates.module.css';

/** A commit as people read it; the full id stays in the title. */
export const shortCommit = (commit: string) => commit.slice(0, 12);

export function Commit({ id }: { id: string }) {
  return (
    <code className={styles.commit} title={id}>
      {shortCommit(id)}
    </code>
  );
}

/** Where an imported template comes from, the commit it is pinned to, and "Update from Git". */
export function GitSource({ template, git }: { template: Template; git: NonNullable<Template['git']> }) {
  const canEdit = usePermissions().can('templates', 'edit');
  const [last, setLast] = useState<TemplateGitUpdate | null>(null);
  const update = useResourceMutation({
    mutationFn: () => updateTemplateFromGit(template.id),
    invalidates: [stackKeys.templates()],
    failure: 'Update from Git failed',
    onSuccess: setLast,
  });
  return (
    <Card
      title="From Git"
      meta="read-only here"
      actions={
        canEdit && (
          <Button size="sm" icon={<RefreshIcon />} busy={update.isPending} onClick={() => update.mutate()}>
            Update from Git
          </Button>
        )
      }
    >
      <div className={layout.stackSmall} data-git-source>
        <dl className={styles.pin}>
          <dt>Repository</dt>
          <dd>
            <a href={git.url} target="_blank" rel="noopener noreferrer">
              {git.url}
            </a>
          </dd>
          <dt>File</dt>
          <dd>
            <code>{git.path}</code>
          </dd>
          <dt>Follows</dt>
          <dd>{git.ref ?? 'the default branch (HEAD)'}</dd>
          <dt>Commit</dt>
          <dd data-git-commit={git.commit}>
            <Commit id={git.commit} />
          </dd>
        </dl>
        {update.isPending && (
          <p className={layout.muted} role="status">
            Fetching {git.ref ?? 'the default branch'} from the repository…
          </p>
        )}
        {last && !update.isPending && (
          <Alert tone="info">
            <span data-git-update>
              {last.changed ? (
                <>
                  New version {last.template.version}: <Commit id={last.fromCommit} /> →{' '}
                  <Commit id={last.toCommit} />
                </>
              ) : (
                <>
                  No new commit: still at <Commit id={last.toCommit} />.
                </>
              )}
            </span>
          </Alert>
        )}
        <p className={layout.muted}>
          Change the file in the repository, then update it here; each new commit becomes a new version.
        </p>
      </div>
    </Card>
  );
}
