import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { cloudsQuery } from '../api/clouds';
import { machineDetailQuery } from '../api/machines';
import type { Machine, StreamEvent } from '../api/types';
import { plural } from '../format/number';
import { findCachedMachine } from '../live/cache';
import { type FeedEntry, feed } from '../live/feed';
import { liveStatus } from '../live/status';
import { describeEvent, eventTone } from '../machines/history';
import { StateBadge } from '../machines/StateBadge';
import { ProviderIcon } from '../providers/ProviderIcon';
import { Card } from '../ui/Card';
import layout from '../ui/layout.module.css';
import { RelativeTime } from '../ui/RelativeTime';
import tones from '../ui/tones.module.css';
import styles from './DashboardPage.module.css';

const SHOWN = 8;

/** What changed since this page opened (from the live stream), then the newest machines. */
export function LatestChanges({ recent }: { recent: Machine[] | undefined }) {
  const entries = feed.use().slice(0, SHOWN);
  const status = liveStatus.use();
  return (
    <Card title="Latest changes" meta={status === 'live' ? 'live' : undefined}>
      {entries.length > 0 ? (
        <ol className={layout.plainList}>
          {entries.map((entry) => (
            <FeedItem key={entry.id} entry={entry} />
          ))}
        </ol>
      ) : (
        <p className={layout.note}>
          Changes show here the moment a poll sees them: machines starting and stopping, renamed, resized,
          added or gone.
        </p>
      )}
      {entries.length < 4 && recent && recent.length > 0 && (
        <>
          <h3 className={styles.subheading}>Newest machines</h3>
          <ul className={layout.plainList}>
            {recent.slice(0, 5).map((m) => (
              <li key={m.id} className={styles.feedItem}>
                <ProviderIcon provider={m.provider} />
                <span className={styles.feedText}>
                  <Link to={`/machines/${m.id}`}>{m.name}</Link>
                  <span className={layout.note}> in {m.cloudTitle}</span>
                </span>
                <StateBadge machineId={m.id} state={m.state} />
              </li>
            ))}
          </ul>
        </>
      )}
    </Card>
  );
}

function FeedItem({ entry }: { entry: FeedEntry }) {
  const { event } = entry;
  const at = new Date(entry.at).toISOString();
  if (event.type === 'machine.changed') return <MachineFeedItem event={event} at={at} />;
  if (event.type === 'inventory.changed' || event.type === 'cloud.changed')
    return <CloudFeedItem event={event} at={at} />;
  return null;
}

function MachineFeedItem({
  event,
  at,
}: {
  event: Extract<StreamEvent, { type: 'machine.changed' }>;
  at: string;
}) {
  const queryClient = useQueryClient();
  const cached = findCachedMachine(queryClient, event.machineId);
  const named = typeof event.data.name === 'string' ? event.data.name : undefined;
  // Only machines not seen anywhere yet are looked up (a handful at most).
  const detail = useQuery({
    ...machineDetailQuery(event.machineId),
    enabled: !cached && !named,
    staleTime: 60_000,
  });
  const name = cached?.name ?? named ?? detail.data?.machine.name ?? 'A machine';
  const tone = eventTone(event.kind, event.data);
  return (
    <li className={styles.feedItem}>
      <span className={`${styles.feedDot} ${tones[tone]}`} aria-hidden="true" />
      <span className={styles.feedText}>
        <Link to={`/machines/${event.machineId}`}>{name}</Link>{' '}
        <span className={layout.note}>{describeEvent(event.kind, event.data)}</span>
      </span>
      <RelativeTime value={at} className={styles.feedTime} />
    </li>
  );
}

function CloudFeedItem({
  event,
  at,
}: {
  event: Extract<StreamEvent, { type: 'inventory.changed' | 'cloud.changed' }>;
  at: string;
}) {
  const clouds = useQuery(cloudsQuery);
  const cloud = clouds.data?.find((c) => c.id === event.cloudId);
  const text =
    event.type === 'inventory.changed'
      ? 'volumes' in event.counts && Object.keys(event.counts).length === 1
        ? `${plural(event.counts.volumes ?? 0, 'volume')} changed`
        : `${plural(
            Object.values(event.counts).reduce((a, b) => a + b, 0),
            'change',
          )} in one sync`
      : cloud?.pollStatus === 'error'
        ? 'Sync failed'
        : 'Status changed';
  return (
    <li className={styles.feedItem}>
      <span
        className={`${styles.feedDot} ${tones[cloud?.pollStatus === 'error' && event.type === 'cloud.changed' ? 'danger' : 'neutral']}`}
        aria-hidden="true"
      />
      <span className={styles.feedText}>
        <Link to="/clouds">{cloud?.title ?? 'A cloud'}</Link> <span className={layout.note}>{text}</span>
      </span>
      <RelativeTime value={at} className={styles.feedTime} />
    </li>
  );
}
