import { type ReactNode, useId } from 'react';
import styles from './Card.module.css';
import layout from './layout.module.css';

interface CardProps {
  title?: ReactNode;
  /** Small text beside the title (a total, a time). */
  meta?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  /** No inner padding: for tables and lists that run edge to edge. */
  flush?: boolean;
  className?: string;
}

/** A titled section of a page. */
export function Card({ title, meta, actions, children, flush = false, className }: CardProps) {
  const titleId = useId();
  return (
    <section
      className={[styles.card, className].filter(Boolean).join(' ')}
      aria-labelledby={title ? titleId : undefined}
    >
      {(title || actions) && (
        <header className={styles.header}>
          <div className={styles.heading}>
            {title && (
              <h2 id={titleId} className={styles.title}>
                {title}
              </h2>
            )}
            {meta && <span className={styles.meta}>{meta}</span>}
          </div>
          {actions && <div className={layout.inline}>{actions}</div>}
        </header>
      )}
      <div className={flush ? styles.flush : styles.body}>{children}</div>
    </section>
  );
}
