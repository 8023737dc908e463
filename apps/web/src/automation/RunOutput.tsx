import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { Link } from 'react-router-dom';
import { scriptRunQuery } from '../api/automation';
import { errorText } from '../api/errors';
import type { ScriptRunTarget } from '../api/types';
import { Alert } from '../ui/Alert';
import { Badge, type Tone } from '../ui/Badge';
import layout from '../ui/layout.module.css';
import { Spinner } from '../ui/Spinner';
import styles from './automation.module.css';
import { dropLiveOutput, type LiveTarget, liveOutput } from './live';

const TONES: Record<string, Tone> = {
  queued: 'muted',
  running: 'info',
  succeeded: 'success',
  failed: 'danger',
  timed_out: 'warning',
  skipped: 'warning',
};
const LABELS: Record<string, string> = { timed_out: 'timed out' };

export function StatusBadge({ status }: { status: string }) {
  return (
    <Badge tone={TONES[status] ?? 'neutral'} dot>
      {LABELS[status] ?? status}
    </Badge>
  );
}

/** One run, machine by machine: live output while it runs, the stored record once it is done. */
export function RunOutput({ runId }: { runId: string }) {
  const run = useQuery({
    ...scriptRunQuery(runId),
    // Events refresh it; polling slowly covers a dropped stream.
    refetchInterval: (q) => (q.state.data?.finishedAt ? false : 5_000),
  });
  const live = liveOutput.use()[runId] ?? {};
  const finished = Boolean(run.data?.finishedAt);
  // Once the stored record has everything, the streamed copy is no longer needed.
  useEffect(() => {
    if (finished) dropLiveOutput(runId);
  }, [finished, runId]);
  if (run.isError) return <Alert>{errorText(run.error)}</Alert>;
  if (!run.data) return <Spinner />;
  const counts = Object.entries(run.data.counts)
    .map(([s, n]) => `${n} ${LABELS[s] ?? s}`)
    .join(' · ');
  return (
    <div className={layout.stackTight} aria-live="polite">
      <p className={layout.muted}>
        <StatusBadge status={run.data.status} /> {run.data.scriptName} v{run.data.version} by{' '}
        {run.data.startedBy} · {counts}
      </p>
      {run.data.targets.map((t) => (
        <TargetOutput key={t.id} target={t} live={live[t.id]} />
      ))}
    </div>
  );
}

function TargetOutput({ target, live }: { target: ScriptRunTarget; live?: LiveTarget }) {
  const done = Boolean(target.finishedAt);
  const stdout = done ? target.stdout : (live?.stdout ?? target.stdout);
  const stderr = done ? target.stderr : (live?.stderr ?? target.stderr);
  const status = done ? target.status : (live?.status ?? target.status);
  return (
    <section className={styles.target} data-target={target.machineName}>
      <div className={styles.targetHead}>
        <Link to={`/machines/${target.machineId}`} className={styles.targetName}>
          {target.machineName}
        </Link>
        {target.exitCode !== null && <span className={layout.muted}>exit {target.exitCode}</span>}
        <StatusBadge status={status} />
      </div>
      {target.error && <p className={styles.error}>{target.error}</p>}
      {(stdout || stderr) && (
        <pre className={styles.console}>
          {stdout}
          {stderr && <span className={layout.dangerText}>{stderr}</span>}
        </pre>
      )}
    </section>
  );
}
