import { liveStatus } from '../live/status';
import styles from './LiveIndicator.module.css';

const TEXT = {
  live: { label: 'Live', title: 'Changes in your clouds appear as they happen.' },
  connecting: { label: 'Connecting…', title: 'Connecting to live updates.' },
  offline: {
    label: 'Reconnecting…',
    title: 'Live updates are interrupted; reconnecting. What you see may be out of date.',
  },
};

/** Whether the page is receiving live changes. */
export function LiveIndicator() {
  const status = liveStatus.use();
  const { label, title } = TEXT[status];
  return (
    <span className={`${styles.indicator} ${styles[status]}`} title={title} role="status">
      <span className={styles.dot} aria-hidden="true" />
      {label}
    </span>
  );
}
