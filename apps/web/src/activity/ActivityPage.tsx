import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { errorText } from '../api/errors';
import {
  type AuditEventView,
  type AuditFilters,
  auditExportUrl,
  auditPage,
  auditQuery,
  membersQuery,
} from '../api/organization';
import { usePermissions } from '../auth/permissions';
import { Alert } from '../ui/Alert';
import { Badge } from '../ui/Badge';
import { Button, ButtonLink } from '../ui/Button';
import { Card } from '../ui/Card';
import table from '../ui/DataTable.module.css';
import { EmptyState } from '../ui/EmptyState';
import { SelectField } from '../ui/Field';
import forms from '../ui/forms.module.css';
import { ActivityIcon, DownloadIcon } from '../ui/icons';
import layout from '../ui/layout.module.css';
import { Page } from '../ui/Page';
import { Skeleton } from '../ui/Skeleton';
import { TextField } from '../ui/TextField';
import { kindWord, resourceLink } from './resourceLink';

const TONE = { success: 'success', failure: 'warning', denied: 'danger' } as const;

/** A date input's value as the start of that day, in UTC ISO. */
const dayStart = (value: string) => (value ? new Date(`${value}T00:00:00`).toISOString() : undefined);
const dayEnd = (value: string) =>
  value ? new Date(new Date(`${value}T00:00:00`).getTime() + 86_400_000).toISOString() : undefined;

/** The event's resource by name, linked to its page; the id stays in a tooltip for searching. */
function ResourceCell({ event }: { event: AuditEventView }) {
  const { resourceKind: kind, resourceId: id, resourceName: name } = event;
  if (!kind) return null;
  const label = name ?? (id ? `${id.slice(0, 8)}…` : '');
  const to = resourceLink(kind, id);
  return (
    <span title={id ?? undefined}>
      <span className={layout.muted}>{kindWord(kind)} </span>
      {to && label ? (
        <Link to={to}>{label}</Link>
      ) : (
        <span className={name ? undefined : layout.mono}>{label}</span>
      )}
    </span>
  );
}

export function ActivityPage() {
  const { manageOrganization } = usePermissions();
  const members = useQuery({ ...membersQuery, enabled: manageOrganization });
  const [form, setForm] = useState({ user: '', resource: '', action: '', result: '', from: '', to: '' });
  const filters: AuditFilters = {
    user: form.user || undefined,
    resource: form.resource.trim() || undefined,
    action: form.action.trim() || undefined,
    result: (form.result || undefined) as AuditFilters['result'],
    from: dayStart(form.from),
    to: dayEnd(form.to),
  };
  const first = useQuery(auditQuery(filters));
  const [more, setMore] = useState<{ key: string; items: AuditEventView[]; next: string | null } | null>(
    null,
  );
  const key = JSON.stringify(filters);
  const extra = more?.key === key ? more : null;
  const items = [...(first.data?.items ?? []), ...(extra?.items ?? [])];
  const next = extra ? extra.next : (first.data?.nextBefore ?? null);
  const [loadingMore, setLoadingMore] = useState(false);

  async function loadMore() {
    if (!next) return;
    setLoadingMore(true);
    try {
      const page = await auditPage(filters, next);
      setMore({ key, items: [...(extra?.items ?? []), ...page.items], next: page.nextBefore });
    } finally {
      setLoadingMore(false);
    }
  }

  return (
    <Page
      title="Activity"
      description={
        manageOrganization
          ? 'Everything done in this organization: who, when, from where, what and the result. The log cannot be edited.'
          : 'What you have done in this organization. Admins see everyone’s activity.'
      }
      actions={
        <>
          {/* A file download from the API, not a page of the app: the browser fetches it itself. */}
          <ButtonLink to={auditExportUrl(filters, 'csv')} reloadDocument download icon={<DownloadIcon />}>
            Export CSV
          </ButtonLink>
          <ButtonLink to={auditExportUrl(filters, 'jsonl')} reloadDocument download icon={<DownloadIcon />}>
            Export JSON lines
          </ButtonLink>
        </>
      }
    >
      <div className={layout.stackWide}>
        <Card>
          <form className={forms.row} onSubmit={(e) => e.preventDefault()} aria-label="Filter activity">
            {manageOrganization && (
              <SelectField
                label="Who"
                value={form.user}
                onChange={(e) => setForm({ ...form, user: e.target.value })}
              >
                <option value="">Anyone</option>
                {members.data?.map((m) => (
                  <option key={m.userId} value={m.userId}>
                    {m.email}
                  </option>
                ))}
              </SelectField>
            )}
            <TextField
              label="Action"
              placeholder="machine. or auth.login"
              value={form.action}
              onChange={(e) => setForm({ ...form, action: e.target.value })}
            />
            <TextField
              label="Resource"
              placeholder="an id, or a kind"
              value={form.resource}
              onChange={(e) => setForm({ ...form, resource: e.target.value })}
            />
            <SelectField
              label="Result"
              value={form.result}
              onChange={(e) => setForm({ ...form, result: e.target.value })}
            >
              <option value="">Any</option>
              <option value="success">Success</option>
              <option value="failure">Failure</option>
              <option value="denied">Denied</option>
            </SelectField>
            <TextField
              label="From"
              type="date"
              value={form.from}
              onChange={(e) => setForm({ ...form, from: e.target.value })}
            />
            <TextField
              label="To"
              type="date"
              value={form.to}
              onChange={(e) => setForm({ ...form, to: e.target.value })}
            />
          </form>
        </Card>
        {first.isError ? (
          <Alert>{errorText(first.error)}</Alert>
        ) : !first.data ? (
          <Card>
            <Skeleton width="60%" />
          </Card>
        ) : items.length === 0 ? (
          <EmptyState icon={<ActivityIcon />} title="No activity matches">
            <p>
              Logins, changes, machine actions, terminal sessions and refusals appear here as they happen.
            </p>
          </EmptyState>
        ) : (
          <Card flush>
            <div className={table.scroll}>
              <table className={table.table}>
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Who</th>
                    <th scope="col">Action</th>
                    <th scope="col">Resource</th>
                    <th scope="col">Result</th>
                    <th scope="col">From</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((e) => (
                    <tr key={e.id} data-action={e.action}>
                      <td>
                        <time dateTime={e.createdAt} title={e.createdAt}>
                          {new Date(e.createdAt).toLocaleString()}
                        </time>
                      </td>
                      <td>{e.actorLabel}</td>
                      <td>
                        <code className={layout.mono}>{e.action}</code>
                      </td>
                      <td>
                        <ResourceCell event={e} />
                      </td>
                      <td>
                        <Badge tone={TONE[e.result as keyof typeof TONE] ?? 'neutral'}>{e.result}</Badge>
                      </td>
                      <td className={layout.muted}>{e.ip}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {next && (
              <Button onClick={() => void loadMore()} busy={loadingMore}>
                Load older events
              </Button>
            )}
          </Card>
        )}
      </div>
    </Page>
  );
}
