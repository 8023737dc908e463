import { FullPageStatus } from '../ui/FullPageStatus';
import { errorMessage } from './errorMessage';
import styles from './errors.module.css';

/** Last resort when the app itself fails to render; uses no router or session. */
export function AppCrash({ error }: { error: unknown }) {
  return (
    <FullPageStatus
      title="Overcast ran into a problem"
      message="Something broke while showing this page. Reloading usually fixes it; your data is safe on the server."
      action={{ label: 'Reload the page', onClick: () => window.location.reload() }}
    >
      <a href="/">Go to the dashboard</a>
      <details className={styles.details}>
        <summary>Technical details</summary>
        <pre>{errorMessage(error)}</pre>
      </details>
    </FullPageStatus>
  );
}
