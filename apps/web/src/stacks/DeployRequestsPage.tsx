import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { machineKeys } from '../api/machines';
import { approveDeployRequest, deployRequestsQuery, rejectDeployRequest, stackKeys } from '../api/stacks';
import type { DeployRequest } from '../api/types';
import { usePermissions } from '../auth/permissions';
import { EmptyState } from '../ui/EmptyState';
import { FormDialog } from '../ui/FormDialog';
import { CheckCircleIcon, CheckIcon, CloseIcon } from '../ui/icons';
import layout from '../ui/layout.module.css';
import { Page } from '../ui/Page';
import { RelativeTime } from '../ui/RelativeTime';
import { ResourceTable } from '../ui/ResourceTable';
import { TextField } from '../ui/TextField';
import { useResourceMutation } from '../ui/useResourceMutation';
import { StatusBadge } from './status';

/** What a request asks for: a stack's name, or a machine's name and size in its cloud. */
const subjectOf = (r: DeployRequest) => r.stackName ?? r.machine?.name ?? 'a request';

function Asked({ r }: { r: DeployRequest }) {
  if (!r.machine) return <>{r.stackName}</>;
  return (
    <span className={layout.break}>
      machine {r.machine.name}{' '}
      <span className={layout.muted}>
        ({r.machine.size} in {r.machine.cloudTitle}, {r.machine.location})
      </span>
    </span>
  );
}

/** What became of a request: the stack or machine it made, the reason it was turned down, or why it failed. */
function Outcome({ r }: { r: DeployRequest }) {
  if (r.stackId) return <Link to={`/stacks/${r.stackId}`}>{r.stackName}</Link>;
  if (r.machineId) return <Link to={`/machines/${r.machineId}`}>{r.machine?.name ?? 'the machine'}</Link>;
  if (r.status === 'rejected')
    return (
      <span>
        Rejected by {r.decidedBy}: {r.decisionReason}
      </span>
    );
  if (r.error) return <span className={layout.dangerText}>{r.error}</span>;
  return <span className={layout.muted}>Waiting for an admin</span>;
}

/** Stacks and machines over budget: admins approve or reject them; everyone else follows their own. */
export function DeployRequestsPage() {
  const requests = useQuery(deployRequestsQuery);
  const { manageOrganization } = usePermissions();
  const [rejecting, setRejecting] = useState<DeployRequest | null>(null);
  const [reason, setReason] = useState('');
  const approve = useResourceMutation({
    mutationFn: (r: DeployRequest) => approveDeployRequest(r.id),
    invalidates: [stackKeys.requests(), stackKeys.list(), machineKeys.lists()],
    success: (_, r) => `Approved: making ${subjectOf(r)} for ${r.requestedBy}`,
    failure: 'The request could not be deployed',
  });
  const reject = useResourceMutation({
    mutationFn: (r: DeployRequest) => rejectDeployRequest(r.id, reason.trim()),
    invalidates: [stackKeys.requests()],
    success: (_, r) => `Rejected ${subjectOf(r)}`,
    onSuccess: () => {
      setRejecting(null);
      setReason('');
    },
  });
  return (
    <Page
      title="Approvals"
      description={
        manageOrganization
          ? 'Stacks and machines that go over a budget set to ask for approval. Approving makes them as the requester; every other limit still holds.'
          : 'Your stacks and machines that went over a budget and wait for, or got, an admin’s decision.'
      }
    >
      <ResourceTable
        query={requests}
        rows={requests.data ?? []}
        rowKey={(r) => r.id}
        rowProps={(r) => ({ 'data-request-id': r.id })}
        empty={
          <EmptyState icon={<CheckCircleIcon />} title="No requests">
            <p>Nothing waits for approval.</p>
          </EmptyState>
        }
        columns={[
          { key: 'stack', header: 'Asked for', cell: (r) => <Asked r={r} /> },
          {
            key: 'item',
            header: 'From',
            cell: (r) => r.catalogItemName ?? (r.machine ? 'the create form' : 'a template'),
          },
          { key: 'by', header: 'Asked by', cell: (r) => r.requestedBy },
          { key: 'status', header: 'Status', cell: (r) => <StatusBadge status={r.status} /> },
          { key: 'why', header: 'Over', cell: (r) => <span className={layout.break}>{r.refusal}</span> },
          { key: 'outcome', header: 'Outcome', cell: (r) => <Outcome r={r} /> },
          { key: 'when', header: 'Asked', cell: (r) => <RelativeTime value={r.createdAt} /> },
        ]}
        actionsLabel={(r) => `Decide on ${subjectOf(r)}`}
        actions={
          manageOrganization
            ? [
                {
                  label: 'Approve',
                  icon: <CheckIcon />,
                  requires: (p) => p.manageOrganization,
                  hidden: (r) => r.status !== 'pending',
                  onSelect: (r) => approve.mutate(r),
                },
                {
                  label: 'Reject',
                  icon: <CloseIcon />,
                  danger: true,
                  requires: (p) => p.manageOrganization,
                  hidden: (r) => r.status !== 'pending',
                  onSelect: (r) => setRejecting(r),
                },
              ]
            : []
        }
      />
      {rejecting && (
        <FormDialog
          title={`Reject ${subjectOf(rejecting)}?`}
          description={`${rejecting.requestedBy} sees the reason.`}
          onClose={() => setRejecting(null)}
          onSubmit={() => reject.mutate(rejecting)}
          busy={reject.isPending}
          submitLabel="Reject"
          tone="danger"
          submitDisabled={!reason.trim()}
          error={reject.error}
        >
          <TextField
            label="Reason"
            name="reason"
            required
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
        </FormDialog>
      )}
    </Page>
  );
}
