import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { templatesQuery } from '../api/templates';
import type { Template } from '../api/types';
import { PublishDialog } from '../stacks/PublishDialog';
import { EmptyState } from '../ui/EmptyState';
import { CompassIcon, PencilIcon, PlayIcon, ServerIcon } from '../ui/icons';
import { Page } from '../ui/Page';
import { RelativeTime } from '../ui/RelativeTime';
import { ResourceTable } from '../ui/ResourceTable';
import { useCreateButton } from '../ui/useCreateButton';
import { DeployTemplateDialog } from './DeployTemplateDialog';

/** The organization's templates at their current version: edit, deploy, publish to the catalog. */
export function TemplatesPage() {
  const templates = useQuery(templatesQuery);
  const navigate = useNavigate();
  const [deploying, setDeploying] = useState<Template | null>(null);
  const [publishing, setPublishing] = useState<Template | null>(null);
  const create = useCreateButton('templates', 'New template', () => navigate('/templates/new'));
  return (
    <Page
      title="Templates"
      description="Machines on any cloud and the steps that configure them, written once and deployed as stacks."
      actions={create}
    >
      <ResourceTable
        query={templates}
        rows={templates.data ?? []}
        rowKey={(t) => t.id}
        rowProps={(t) => ({ 'data-template-id': t.id })}
        label="Templates"
        empty={
          <EmptyState icon={<ServerIcon />} title="No templates yet" actions={create}>
            <p>Write one, or start from a template in the gallery.</p>
          </EmptyState>
        }
        columns={[
          {
            key: 'name',
            header: 'Name',
            cell: (t) => <Link to={`/templates/${t.id}`}>{t.name}</Link>,
          },
          { key: 'version', header: 'Version', numeric: true, cell: (t) => t.version },
          { key: 'by', header: 'Changed by', cell: (t) => t.changedBy || '—' },
          { key: 'when', header: 'Changed', cell: (t) => <RelativeTime value={t.updatedAt} /> },
        ]}
        actionsLabel={(t) => `More actions for ${t.name}`}
        actions={[
          {
            label: 'Edit',
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
    </Page>
  );
}
