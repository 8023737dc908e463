import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router-dom';
import {
  type CostReportParams,
  costReportCsvUrl,
  costReportQuery,
  costSavingsQuery,
  costSummaryQuery,
} from '../api/costs';
import { machineAction } from '../api/machines';
import type { CostReport, CostSavings } from '../api/types';
import { usePermissions } from '../auth/permissions';
import { StackedColumns } from '../dashboard/charts';
import { formatMoney, plural } from '../format/number';
import { formatDay } from '../format/time';
import { Button, ButtonLink } from '../ui/Button';
import { Card } from '../ui/Card';
import table from '../ui/DataTable.module.css';
import { EmptyState } from '../ui/EmptyState';
import { CoinIcon, DownloadIcon, StopIcon } from '../ui/icons';
import layout from '../ui/layout.module.css';
import { Page } from '../ui/Page';
import { QueryState } from '../ui/QueryState';
import { useResourceMutation } from '../ui/useResourceMutation';
import styles from './cost.module.css';

const RANGES = [
  { value: '30', label: 'Last 30 days' },
  { value: '90', label: 'Last 90 days' },
  { value: '365', label: 'Last 12 months' },
];
/** Groups drawn in the chart; the rest are summed as "Others" so the colours stay readable. */
const CHART_GROUPS = 6;

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/** The report's query from the URL: the range in days, the grouping, day or month. */
function useReportParams() {
  const [search, setSearch] = useSearchParams();
  const range = RANGES.some((r) => r.value === search.get('range')) ? (search.get('range') as string) : '90';
  const groupBy = search.get('groupBy') || 'cloud';
  const granularity = search.get('granularity') === 'month' ? 'month' : 'day';
  const to = new Date();
  const from = new Date(to.getTime() - (Number(range) - 1) * 86_400_000);
  const params: CostReportParams = { from: isoDay(from), to: isoDay(to), groupBy, granularity };
  const set = (key: string, value: string) =>
    setSearch(
      (prev) => {
        const next = new URLSearchParams(prev);
        next.set(key, value);
        return next;
      },
      { replace: true },
    );
  return { params, range, set };
}

const periodLabel = (granularity: 'day' | 'month') => (p: string) =>
  granularity === 'day'
    ? formatDay(p)
    : new Date(`${p}-01T00:00:00Z`).toLocaleDateString(undefined, {
        month: 'short',
        year: 'numeric',
        timeZone: 'UTC',
      });

function Change({ change, percent }: { change: string; percent: number | null }) {
  const value = Number(change);
  if (value === 0) return <span className={layout.muted}>no change</span>;
  return (
    <span className={value > 0 ? styles.up : styles.down}>
      {value > 0 ? '+' : '−'}
      {formatMoney(Math.abs(value))}
      {percent !== null && ` (${value > 0 ? '+' : '−'}${Math.abs(percent).toFixed(1)}%)`}
    </span>
  );
}

function SpendChart({ report }: { report: CostReport }) {
  const top = report.groups.slice(0, CHART_GROUPS);
  const rest = report.groups.slice(CHART_GROUPS);
  const series = top.map((g, n) => ({
    key: g.key,
    label: g.label,
    color: `var(--chart-${(n % 6) + 1})`,
    values: g.series.map(Number),
  }));
  if (rest.length > 0)
    series.push({
      key: '__others',
      label: `Others (${rest.length})`,
      color: 'var(--color-text-subtle)',
      values: report.periods.map((_, n) => rest.reduce((sum, g) => sum + Number(g.series[n] ?? 0), 0)),
    });
  return (
    <StackedColumns
      columns={report.periods}
      series={series}
      format={(v) => formatMoney(v)}
      formatColumn={periodLabel(report.granularity)}
      label={`Spend per ${report.granularity} by ${report.groupBy}`}
    />
  );
}

function GroupsTable({ report }: { report: CostReport }) {
  return (
    <div className={table.scroll}>
      <table className={table.table} data-testid="cost-groups">
        <thead>
          <tr>
            <th scope="col">Group</th>
            <th scope="col" className={table.end}>
              Total
            </th>
            <th scope="col" className={table.end}>
              Last 30 days
            </th>
            <th scope="col" className={table.end}>
              Change
            </th>
          </tr>
        </thead>
        <tbody>
          {report.groups.map((g) => (
            <tr key={g.key} data-group={g.label}>
              <td>{g.label}</td>
              <td className={table.end}>{formatMoney(g.total)}</td>
              <td className={table.end}>{formatMoney(g.current)}</td>
              <td className={table.end}>
                <Change change={g.change} percent={g.changePercent} />
              </td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Total</th>
            <td className={table.end} data-testid="cost-total">
              {formatMoney(report.total)}
            </td>
            <td />
            <td />
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

function Movers({ report }: { report: CostReport }) {
  if (report.movers.length === 0)
    return (
      <p className={layout.note}>No group's spend changed between the last 30 days and the 30 before.</p>
    );
  return (
    <ul className={layout.listTight}>
      {report.movers.map((m) => (
        <li key={m.key} className={styles.savingRow}>
          <span>{m.label}</span>
          <Change change={m.change} percent={m.changePercent} />
        </li>
      ))}
    </ul>
  );
}

function Savings({ savings }: { savings: CostSavings }) {
  const permissions = usePermissions();
  const stop = useResourceMutation({
    mutationFn: (m: { machineId: string; name: string }) => machineAction(m.machineId, 'stop'),
    invalidates: [['machines'], ['costs']],
    success: (_, m) => `Stopping ${m.name}`,
    failure: 'The machine was not stopped',
  });
  const n = savings.machines.length;
  return (
    <div className={layout.stack}>
      <p className={styles.headline} data-testid="savings-headline">
        {n === 0
          ? 'No idle machine to stop.'
          : `Stopping ${n === 1 ? 'this machine' : `these ${plural(n, 'machine')}`} saves ${formatMoney(savings.monthly)} a month.`}
      </p>
      <p className={layout.note}>
        Idle: running, average CPU under {savings.idleCpuPercent}% over the last {savings.windowHours / 24}{' '}
        days (monitored machines only, as on the Monitoring page).
      </p>
      {n > 0 && (
        <ul className={layout.listTight}>
          {savings.machines.map((m) => (
            <li key={m.machineId} className={styles.savingRow}>
              <span>
                <Link to={`/machines/${m.machineId}`}>{m.name}</Link>{' '}
                <span className={layout.muted}>
                  {m.cloudTitle} · {m.cpu.toFixed(1)}% CPU · {formatMoney(m.monthly)}/mo
                </span>
              </span>
              {permissions.can('machines', 'act') && (
                <Button
                  size="xs"
                  icon={<StopIcon />}
                  busy={stop.isPending && stop.variables?.machineId === m.machineId}
                  onClick={() => stop.mutate(m)}
                >
                  Stop
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
      {savings.billedWhenStopped.length > 0 && (
        <p className={layout.note}>
          {plural(savings.billedWhenStopped.length, 'more idle machine')} (
          {savings.billedWhenStopped.map((m) => m.name).join(', ')}) bill the same while stopped: resize or
          destroy them to save.
        </p>
      )}
    </div>
  );
}

/** Spend over time by cloud, tag, team or owner, its biggest changes, and what idle machines cost. */
export function CostPage() {
  const { params, range, set } = useReportParams();
  const report = useQuery(costReportQuery(params));
  const savings = useQuery(costSavingsQuery);
  const summary = useQuery(costSummaryQuery);
  const tagKeys = [...new Set((summary.data?.byTag ?? []).map((t) => t.key))].sort();
  if (params.groupBy.startsWith('tag:') && !tagKeys.includes(params.groupBy.slice(4)))
    tagKeys.unshift(params.groupBy.slice(4));
  return (
    <Page
      title="Cost"
      description="Spend from the daily cost snapshots of machines and volumes you may see."
      actions={
        <ButtonLink to={costReportCsvUrl(params)} reloadDocument download icon={<DownloadIcon />}>
          Download CSV
        </ButtonLink>
      }
    >
      <div className={layout.stackWide}>
        <div className={styles.controls}>
          <label>
            <span className="visually-hidden">Group by</span>
            <select
              className={styles.select}
              aria-label="Group by"
              value={params.groupBy}
              onChange={(e) => set('groupBy', e.target.value)}
            >
              <option value="cloud">By cloud</option>
              <option value="team">By team</option>
              <option value="owner">By owner</option>
              {tagKeys.map((k) => (
                <option key={k} value={`tag:${k}`}>
                  By tag {k}
                </option>
              ))}
            </select>
          </label>
          <select
            className={styles.select}
            aria-label="Range"
            value={range}
            onChange={(e) => set('range', e.target.value)}
          >
            {RANGES.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </select>
          <select
            className={styles.select}
            aria-label="Per"
            value={params.granularity}
            onChange={(e) => set('granularity', e.target.value)}
          >
            <option value="day">Per day</option>
            <option value="month">Per month</option>
          </select>
        </div>
        <QueryState query={report} lines={6}>
          {report.data &&
            (report.data.groups.length === 0 ? (
              <EmptyState icon={<CoinIcon />} title="No spend recorded in this range">
                <p>
                  Spend comes from the daily snapshots of priced machines and volumes. Add a cloud, or pick a
                  longer range; the first snapshot is taken within a day.
                </p>
              </EmptyState>
            ) : (
              <>
                <Card title="Spend over time" meta={`${formatMoney(report.data.total)} in total`}>
                  <SpendChart report={report.data} />
                </Card>
                <div className={styles.grid}>
                  <Card
                    title="Groups"
                    meta="total in the range; change: last 30 days against the 30 before"
                    flush
                  >
                    <GroupsTable report={report.data} />
                  </Card>
                  <Card title="Biggest changes" meta="since last month">
                    <Movers report={report.data} />
                  </Card>
                </div>
              </>
            ))}
        </QueryState>
        <Card title="Savings">
          <QueryState query={savings} lines={3}>
            {savings.data && <Savings savings={savings.data} />}
          </QueryState>
        </Card>
      </div>
    </Page>
  );
}
