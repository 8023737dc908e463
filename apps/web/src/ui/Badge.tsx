import type { ReactNode } from 'react';
import styles from './Badge.module.css';

export type Tone = 'neutral' | 'success' | 'warning' | 'danger' | 'info' | 'muted';

interface BadgeProps {
  tone?: Tone;
  /** A coloured dot before the text; `pulse` for something in progress. */
  dot?: boolean | 'pulse';
  children: ReactNode;
  title?: string;
  className?: string;
}

export function Badge({ tone = 'neutral', dot = false, children, title, className }: BadgeProps) {
  return (
    <span className={[styles.badge, styles[tone], className].filter(Boolean).join(' ')} title={title}>
      {dot && <span className={`${styles.dot} ${dot === 'pulse' ? styles.pulse : ''}`} aria-hidden="true" />}
      {children}
    </span>
  );
}
