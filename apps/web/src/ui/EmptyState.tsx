import type { ReactNode } from 'react';
import styles from './EmptyState.module.css';

interface EmptyStateProps {
  icon: ReactNode;
  title: string;
  children: ReactNode;
  /** Only real, working actions (links to pages that exist, buttons that do something). */
  actions?: ReactNode;
}

/** What a section will hold and what to do first, shown until it has any data. */
export function EmptyState({ icon, title, children, actions }: EmptyStateProps) {
  return (
    <section className={styles.empty} aria-label={title}>
      <div className={styles.icon}>{icon}</div>
      <h2 className={styles.title}>{title}</h2>
      <div className={styles.text}>{children}</div>
      {actions && <div className={styles.actions}>{actions}</div>}
    </section>
  );
}
