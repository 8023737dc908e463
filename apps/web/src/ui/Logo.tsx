import styles from './Logo.module.css';

/** The product mark and name; decorative mark, the word is the accessible text. */
export function Logo({ size = 'md' }: { size?: 'md' | 'lg' }) {
  return (
    <span className={`${styles.logo} ${styles[size]}`}>
      <svg className={styles.mark} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
        <rect width="32" height="32" rx="8" fill="var(--color-accent-bg)" />
        <path
          d="M21.5 23H12a5.5 5.5 0 1 1 4.9-8h1.1a4 4 0 1 1 3.5 8Z"
          fill="none"
          stroke="var(--color-accent-contrast)"
          strokeWidth="2.2"
          strokeLinejoin="round"
        />
      </svg>
      <span className={styles.word}>Overcast</span>
    </span>
  );
}
