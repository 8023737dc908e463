import { formatTag } from '@overcast/contracts/tags';
import { useQueries, useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { cloudsQuery } from '../api/clouds';
import { costHistoryQuery, costSummaryQuery } from '../api/costs';
import { errorText } from '../api/errors';
import { machineCountQuery, recentMachinesQuery } from '../api/machines';
import type { Cloud, CostSummary } from '../api/types';
import { volumeListQuery } from '../api/volumes';
import { CloudStatus } from '../clouds/CloudStatus';
import { formatCount, formatMoney, plural } from '../format/number';
import { stateLook } from '../machines/state';
import { ExposureCard } from '../networks/ExposureCard';
import { ProviderIcon } from '../providers/ProviderIcon';
import { Alert } from '../ui/Alert';
import { Card } from '../ui/Card';
import { EmptyState } from '../ui/EmptyState';
import { CheckCircleIcon, DashboardIcon } from '../ui/icons';
import layout from '../ui/layout.module.css';
import { Page } from '../ui/Page';
import { RelativeTime } from '../ui/RelativeTime';
import { Skeleton } from '../ui/Skeleton';
import { BarList, StackedBar, TrendChart } from './charts';
import styles from './DashboardPage.module.css';
import { LatestChanges } from './LatestChanges';

const STATES: { state: string; color: string }[] = [
  { state: 'running', color: 'var(--color-success)' },
  { state: 'stopped', color: 'var(--chart-6)' },
  { state: 'pending', color: 'var(--color-warning)' },
  { state: 'rebooting', color: 'var(--chart-3)' },
  { state: 'error', color: 'var(--color-danger)' },
  { state: 'missing', color: 'var(--chart-5)' },
  { state: 'unknown', color: 'var(--color-border-strong)' },
];

export function DashboardPage() {
  const clouds = useQuery(cloudsQuery);

  if (clouds.isError) {
    return (
      <Page title="Dashboard">
        <Alert>{errorText(clouds.error)}</Alert>
      </Page>
    );
  }
  if (clouds.data && clouds.data.length === 0) {
    return (
      <Page title="Dashboard">
        <EmptyState
          icon={<DashboardIcon />}
          title="Nothing to summarize yet"
          link={{ to: '/clouds', label: 'Go to Clouds' }}
        >
          <p>
            Once a cloud is connected, this page shows how many machines you run, where they run, what state
            they are in and what they cost each month.
          </p>
          <p>Start by adding your first cloud.</p>
        </EmptyState>
      </Page>
    );
  }
  return <Overview clouds={clouds.data} />;
}

function Overview({ clouds }: { clouds: Cloud[] | undefined }) {
  const summary = useQuery(costSummaryQuery);
  const history = useQuery(costHistoryQuery(30));
  // Only the totals are shown: one row is enough.
  const volumes = useQuery(volumeListQuery({}, 1));
  const recent = useQuery(recentMachinesQuery);
  const total = useQuery(machineCountQuery({}));
  const counts = useQueries({
    queries: STATES.map(({ state }) => machineCountQuery({ state })),
  });

  const failing = (clouds ?? []).filter((c) => c.enabled && c.pollStatus === 'error');
  const currency = summary.data?.currency ?? 'USD';
  const money = (v: string | number) => formatMoney(v, currency);
  const running = counts[0]?.data;
  const stopped = counts[1]?.data;

  return (
    <Page title="Dashboard" description="Everything your team runs, across every cloud, as it changes.">
      <div className={styles.stats}>
        <Stat label="Clouds" value={clouds ? formatCount(clouds.length) : null} href="/clouds">
          {failing.length > 0 ? (
            <span className={styles.bad}>{plural(failing.length, 'cloud')} failing</span>
          ) : clouds ? (
            <span className={styles.good}>All syncing normally</span>
          ) : null}
        </Stat>
        <Stat
          label="Machines"
          value={total.data === undefined ? null : formatCount(total.data)}
          href="/machines"
        >
          {running !== undefined && stopped !== undefined
            ? `${formatCount(running)} running · ${formatCount(stopped)} stopped`
            : null}
        </Stat>
        <Stat label="Volumes" value={volumes.data ? formatCount(volumes.data.total) : null} href="/volumes">
          {volumes.data
            ? `${formatCount(volumes.data.totalSizeGb)} GB · ${volumes.data.attached} attached`
            : null}
        </Stat>
        <Stat label="Monthly cost" value={summary.data ? money(summary.data.totalMonthly) : null}>
          {summary.data ? (
            <>
              {money(summary.data.machinesMonthly)} machines · {money(summary.data.volumesMonthly)} volumes
              <UnpricedNote summary={summary.data} />
            </>
          ) : null}
        </Stat>
      </div>

      <div className={styles.row}>
        <Card
          title="Machines by state"
          meta={total.data !== undefined ? plural(total.data, 'machine') : undefined}
        >
          {counts.some((c) => c.data === undefined) ? (
            <Skeleton height="4rem" />
          ) : (
            <StackedBar
              total={counts.reduce((sum, c) => sum + (c.data ?? 0), 0)}
              segments={STATES.map(({ state, color }, i) => ({
                key: state,
                label: stateLook(state).label,
                value: counts[i]?.data ?? 0,
                color,
                href: `/machines?state=${state}`,
              }))}
            />
          )}
        </Card>
        <Card title="Cost by cloud" meta="per month">
          {summary.data ? (
            <BarList
              empty="No costs yet."
              items={summary.data.byCloud.slice(0, 8).map((c) => ({
                key: c.cloudId,
                label: (
                  <>
                    <ProviderIcon provider={c.provider} decorative />
                    {c.title}
                  </>
                ),
                value: Number(c.monthly),
                display: money(c.monthly),
                detail:
                  c.volumes > 0
                    ? `${plural(c.machines, 'machine')} · ${plural(c.volumes, 'volume')}`
                    : plural(c.machines, 'machine'),
                href: `/machines?cloud=${c.cloudId}`,
              }))}
            />
          ) : (
            <Skeleton height="6rem" />
          )}
        </Card>
      </div>

      <div className={styles.rowWide}>
        <Card
          className={styles.stretch}
          title="Cost over the last 30 days"
          meta={summary.data ? `now ${money(summary.data.totalMonthly)} a month` : undefined}
        >
          {history.data ? (
            <CostTrend days={history.data.days} now={summary.data?.totalMonthly} format={money} />
          ) : history.isError ? (
            <p className={layout.note}>{errorText(history.error)}</p>
          ) : (
            <Skeleton height="10rem" />
          )}
          <p className={styles.footnote}>Recorded once a day; today's point moves as machines change.</p>
        </Card>
        <Card title="Cost by tag" meta="top tags">
          {summary.data ? (
            <BarList
              empty="Tag machines (team, env, project…) to see what each part of your work costs."
              // An EC2 Name tag names one machine; it says nothing about where money goes.
              items={summary.data.byTag
                .filter((t) => t.key !== 'Name')
                .slice(0, 7)
                .map((t) => ({
                  key: `${t.key}=${t.value}`,
                  label: formatTag(t.key, t.value),
                  value: Number(t.monthly),
                  display: money(t.monthly),
                  detail: plural(t.machines, 'machine'),
                  href: `/machines?tag=${encodeURIComponent(formatTag(t.key, t.value))}`,
                }))}
            />
          ) : (
            <Skeleton height="6rem" />
          )}
        </Card>
      </div>

      <div className={styles.rowWide}>
        <LatestChanges recent={recent.data} />
        <Card
          title="Cloud health"
          meta={failing.length ? `${failing.length} failing` : undefined}
          actions={
            <Link to="/clouds" className={styles.cardLink}>
              All clouds
            </Link>
          }
        >
          {!clouds ? (
            <Skeleton height="4rem" />
          ) : (
            <>
              {failing.length === 0 && (
                <p className={styles.healthy}>
                  <CheckCircleIcon />
                  {clouds.filter((c) => c.enabled).length === 1
                    ? 'The cloud synced without errors.'
                    : `All ${clouds.filter((c) => c.enabled).length} clouds synced without errors.`}
                </p>
              )}
              <ul className={styles.cloudList}>
                {[...failing, ...clouds.filter((c) => !failing.includes(c))].slice(0, 8).map((c) => (
                  <li key={c.id}>
                    <div className={styles.cloudLine}>
                      <ProviderIcon provider={c.provider} />
                      <Link to={`/machines?cloud=${c.id}`} className={styles.cloudName}>
                        {c.title}
                      </Link>
                      <CloudStatus cloud={c} />
                      <RelativeTime value={c.lastPollAt} empty="never" className={styles.cloudTime} />
                    </div>
                    {c.enabled && c.pollStatus === 'error' && c.lastError && (
                      <p className={styles.failingMessage}>{c.lastError}</p>
                    )}
                  </li>
                ))}
              </ul>
            </>
          )}
        </Card>
      </div>

      <ExposureCard />
    </Page>
  );
}

/** How many billed machines have no price, and why, so a total is never silently short. */
function UnpricedNote({ summary }: { summary: CostSummary }) {
  if (summary.unpricedMachines === 0) return null;
  const why = summary.unpricedReasons.map((r) => `${r.machines}: ${r.reason}`).join('\n');
  return (
    <span className={styles.unpriced} title={why}>
      {plural(summary.unpricedMachines, 'machine')} without a price, not counted
      {summary.unpricedReasons[0] ? ` (${summary.unpricedReasons[0].reason})` : ''}
    </span>
  );
}

/** Daily snapshots, with today's point at the live run-rate. */
function CostTrend({
  days,
  now,
  format,
}: {
  days: { day: string; monthly: string }[];
  now: string | undefined;
  format: (value: number) => string;
}) {
  const points = days.map((d, i) => ({
    day: d.day,
    value: i === days.length - 1 && now !== undefined ? Number(now) : Number(d.monthly),
  }));
  const recorded = points.slice(0, -1).filter((p) => p.value > 0).length;
  if (recorded === 0) {
    return (
      <div className={styles.noHistory}>
        <p className={styles.bigNumber}>{now !== undefined ? format(Number(now)) : '—'}</p>
        <p className={layout.note}>
          a month today. Overcast records the run-rate once a day, so the chart fills in from here, day by
          day.
        </p>
      </div>
    );
  }
  return (
    <TrendChart label="Monthly run-rate, day by day, over the last 30 days" points={points} format={format} />
  );
}

function Stat({
  label,
  value,
  href,
  children,
}: {
  label: string;
  value: string | null;
  href?: string;
  children?: ReactNode;
}) {
  const body = (
    <>
      <span className={styles.statLabel}>{label}</span>
      <span className={styles.statValue}>{value ?? <Skeleton width="4rem" height="1.75rem" />}</span>
      <span className={styles.statDetail}>{children}</span>
    </>
  );
  return href ? (
    <Link to={href} className={`${styles.stat} ${styles.statLink}`}>
      {body}
    </Link>
  ) : (
    <div className={styles.stat}>{body}</div>
  );
}
