import type { ReactNode } from 'react';
import { Button } from './Button';
import styles from './FullPageStatus.module.css';
import { Logo } from './Logo';
import { Spinner } from './Spinner';

interface FullPageStatusProps {
  title: string;
  message?: ReactNode;
  loading?: boolean;
  action?: { label: string; onClick: () => void; busy?: boolean };
  children?: ReactNode;
}

/** A whole-window message for states before the shell exists: loading, server down, crashes. */
export function FullPageStatus({ title, message, loading = false, action, children }: FullPageStatusProps) {
  return (
    <main className={styles.page}>
      <div className={styles.box} role={loading ? 'status' : undefined}>
        <Logo size="lg" />
        {loading && <Spinner size="lg" />}
        <h1 className={loading ? styles.loadingTitle : styles.title}>{title}</h1>
        {message && <p className={styles.message}>{message}</p>}
        {action && (
          <Button variant="primary" onClick={action.onClick} busy={action.busy}>
            {action.label}
          </Button>
        )}
        {children}
      </div>
    </main>
  );
}
