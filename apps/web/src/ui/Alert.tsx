import type { ReactNode, Ref } from 'react';
import styles from './Alert.module.css';
import { AlertIcon } from './icons';

interface AlertProps {
  children: ReactNode;
  tone?: 'danger' | 'info';
  ref?: Ref<HTMLDivElement>;
}

/** A message announced as soon as it appears; focusable so callers can move focus to it. */
export function Alert({ children, tone = 'danger', ref }: AlertProps) {
  return (
    <div ref={ref} role="alert" tabIndex={-1} className={`${styles.alert} ${styles[tone]}`}>
      <AlertIcon className={styles.icon} />
      <div>{children}</div>
    </div>
  );
}
