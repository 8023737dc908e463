import { useSyncExternalStore } from 'react';
import { CloseButton } from './Button';
import { AlertIcon, CheckCircleIcon } from './icons';
import layout from './layout.module.css';
import { Spinner } from './Spinner';
import styles from './Toaster.module.css';
import { dismissToast, getToasts, subscribeToasts } from './toast';

/** Where toasts appear. Errors are announced at once, the rest politely. */
export function Toaster() {
  const toasts = useSyncExternalStore(subscribeToasts, getToasts);
  return (
    <section className={styles.region} aria-label="Notifications">
      <ol className={layout.listSmall}>
        {toasts.map((t) => (
          <li
            key={t.id}
            className={`${styles.toast} ${styles[t.tone]}`}
            role={t.tone === 'error' ? 'alert' : 'status'}
          >
            <span className={styles.icon} aria-hidden="true">
              {t.busy ? <Spinner size="sm" /> : t.tone === 'success' ? <CheckCircleIcon /> : <AlertIcon />}
            </span>
            <div className={styles.text}>
              <p className={styles.title}>{t.title}</p>
              {t.description && <p className={styles.description}>{t.description}</p>}
            </div>
            <CloseButton label="Dismiss" size="xs" onClick={() => dismissToast(t.id)} />
          </li>
        ))}
      </ol>
    </section>
  );
}
