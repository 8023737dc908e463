import { type ReactNode, useEffect, useRef } from 'react';
import { Link } from 'react-router-dom';
import { ArrowLeftIcon } from './icons';
import styles from './Page.module.css';

interface PageProps {
  title: string;
  description?: ReactNode;
  /** Controls shown beside the title (only ones that work). */
  actions?: ReactNode;
  /** Shown right after the heading, e.g. a state badge. */
  titleExtra?: ReactNode;
  /** A link back to the list this page belongs to. */
  back?: { to: string; label: string };
  /** The body fills the window's height (for a table that scrolls inside itself). */
  fill?: boolean;
  children: ReactNode;
}

/**
 * The frame of every page in the shell. Focus moves to the heading on arrival so a
 * screen reader announces the new page, as a full page load would.
 */
export function Page({ title, description, actions, titleExtra, back, fill = false, children }: PageProps) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus({ preventScroll: true });
  }, []);

  return (
    <div className={fill ? styles.fill : undefined}>
      <title>{`${title} · Overcast`}</title>
      {back && (
        <Link to={back.to} className={styles.back}>
          <ArrowLeftIcon />
          {back.label}
        </Link>
      )}
      <header className={styles.header}>
        <div className={styles.heading}>
          <div className={styles.titleRow}>
            <h1 ref={heading} tabIndex={-1} className={styles.title}>
              {title}
            </h1>
            {titleExtra}
          </div>
          {description && <div className={styles.description}>{description}</div>}
        </div>
        {actions && <div className={styles.actions}>{actions}</div>}
      </header>
      <div className={styles.body}>{children}</div>
    </div>
  );
}
