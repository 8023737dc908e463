import styles from './automation.module.css';

/** Why the system switched a schedule or rule off, under its name. */
export function DisabledReason({ item }: { item: { enabled: boolean; disabledReason?: string | null } }) {
  if (item.enabled || !item.disabledReason) return null;
  return (
    <span className={styles.disabledReason} role="note">
      {item.disabledReason}
    </span>
  );
}
