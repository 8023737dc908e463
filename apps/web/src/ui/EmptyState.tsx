import type { ReactNode } from 'react';
import { ButtonLink } from './Button';
import styles from './EmptyState.module.css';

interface EmptyStateProps {
  icon: ReactNode;
  title: string;
  children: ReactNode;
  /** Only real, working actions (links to pages that exist, buttons that do something). */
  actions?: ReactNode;
  /** The page to go to first, as the primary action. */
  link?: { to: string; label: string };
}

/** What a section will hold and what to do first, shown until it has any data. */
export function EmptyState({ icon, title, children, actions, link }: EmptyStateProps) {
  const action =
    actions ??
    (link && (
      <ButtonLink to={link.to} variant="primary">
        {link.label}
      </ButtonLink>
    ));
  return (
    <section className={styles.empty} aria-label={title}>
      <div className={styles.icon}>{icon}</div>
      <h2 className={styles.title}>{title}</h2>
      <div className={styles.text}>{children}</div>
      {action && <div className={styles.actions}>{action}</div>}
    </section>
  );
}
