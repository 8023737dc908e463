import { type ReactNode, useEffect, useRef } from 'react';
import styles from './Page.module.css';

interface PageProps {
  title: string;
  description?: string;
  /** Controls shown beside the title (only ones that work). */
  actions?: ReactNode;
  children: ReactNode;
}

/**
 * The frame of every page in the shell. Focus moves to the heading on arrival so a
 * screen reader announces the new page, as a full page load would.
 */
export function Page({ title, description, actions, children }: PageProps) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus({ preventScroll: true });
  }, []);

  return (
    <>
      <title>{`${title} · Overcast`}</title>
      <header className={styles.header}>
        <div>
          <h1 ref={heading} tabIndex={-1} className={styles.title}>
            {title}
          </h1>
          {description && <p className={styles.description}>{description}</p>}
        </div>
        {actions && <div className={styles.actions}>{actions}</div>}
      </header>
      <div className={styles.body}>{children}</div>
    </>
  );
}
