import { useQuery } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { templatesQuery } from '../api/templates';
import type { Template } from '../api/types';
import { PublishDialog } from '../stacks/PublishDialog';
import { Button } from '../ui/Button';
import { EmptyState } from '../ui/EmptyState';
import { CompassIcon, DownloadIcon, PencilIcon, PlayIcon, ServerIcon } from '../ui/icons';
import { Page } from '../ui/Page';
import { RelativeTime } from '../ui/RelativeTime';
import { ResourceTable } from '../ui/ResourceTable';
import { useCreateButton } from '../ui/useCreateButton';
import { DeployTemplateDialog } from './DeployTemplateDialog';
import { shortCommit } from './GitSource';
import { ImportFromGitDialog } from './ImportFromGitDialog';
import styles from './templates.module.css';

/** The organization's templates at their current version: edit, deploy, publish to the catalog. */
export function TemplatesPage() {
  const templates = useQuery(templatesQuery);
  const navigate = useNavigate();
  const [deploying, setDeploying] = useState<Template | null>(null);
  const [publishing, setPublishing] = useState<Template | null>(null);
  const [importing, setImporting] = useState(false);
  const create = useCreateButton('templates', 'New template', () => navigate('/templates/new'));
  const actions: ReactNode = create && (
    <div className={styles.actions}>
      <Button icon={<DownloadIcon />} onClick={() => setImporting(true)}>
        Import from Git
      </Button>
      {create}
    </div>
  );
  return (
    <Page
      title="Templates"
      description="Machines on any cloud and the steps that configure them, written once and deployed as stacks."
      actions={actions}
    >
      <ResourceTable
        query={templates}
        rows={templates.data ?? []}
        rowKey={(t) => t.id}
        rowProps={(t) => ({ 'data-template-id': t.id })}
        label="Templates"
        empty={
          <EmptyState icon={<ServerIcon />} title="No templates yet" actions={actions}>
            <p>Write one, start from a template in the gallery, or import one from a Git repository.</p>
          </EmptyState>
        }
        columns={[
          {
            key: 'name',
            header: 'Name',
            cell: (t) => <Link to={`/templates/${t.id}`}>{t.name}</Link>,
          },
          { key: 'version', header: 'Version', numeric: true, cell: (t) => t.version },
          {
            key: 'source',
            header: 'Source',
            cell: (t) =>
              t.git ? (
                <span title={`${t.git.url} ${t.git.path} @ ${t.git.commit}`}>
                  Git @ {shortCommit(t.git.commit)}
                </span>
              ) : (
                'Overcast'
              ),
          },
          { key: 'by', header: 'Changed by', cell: (t) => t.changedBy || '—' },
          { key: 'when', header: 'Changed', cell: (t) => <RelativeTime value={t.updatedAt} /> },
        ]}
        actionsLabel={(t) => `More actions for ${t.name}`}
        actions={[
          {
            // An imported template changes in its repository: its page shows the source and offers an update.
            label: (t) => (t.git ? 'Open' : 'Edit'),
            icon: <PencilIcon />,
            requires: { kind: 'templates', action: 'edit' },
            onSelect: (t) => navigate(`/templates/${t.id}`),
          },
          {
            label: 'Deploy',
            icon: <PlayIcon />,
            requires: { kind: 'stacks', action: 'create' },
            onSelect: setDeploying,
          },
          {
            label: 'Publish to the catalog',
            icon: <CompassIcon />,
            requires: (p) => p.manageOrganization,
            onSelect: setPublishing,
          },
        ]}
      />
      {deploying && (
        <DeployTemplateDialog
          template={deploying}
          version={deploying.version}
          inputs={deploying.inputs}
          onClose={() => setDeploying(null)}
        />
      )}
      {publishing && <PublishDialog template={publishing} onClose={() => setPublishing(null)} />}
      {importing && <ImportFromGitDialog onClose={() => setImporting(false)} />}
    </Page>
  );
}
