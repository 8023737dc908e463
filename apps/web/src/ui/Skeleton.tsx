import styles from './Skeleton.module.css';

/** A grey placeholder bar where content is loading. */
export function Skeleton({ width = '100%', height = '0.875rem' }: { width?: string; height?: string }) {
  return <span className={styles.skeleton} style={{ width, height }} aria-hidden="true" data-skeleton="" />;
}
