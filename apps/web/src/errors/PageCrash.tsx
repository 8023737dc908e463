import { Link } from 'react-router-dom';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { errorMessage } from './errorMessage';
import styles from './errors.module.css';

/** Shown in place of one page that failed, keeping the navigation usable. */
export function PageCrash({ error }: { error: unknown }) {
  return (
    <div className={styles.pageCrash}>
      <title>Error · Overcast</title>
      <h1 className={styles.heading}>This page ran into a problem</h1>
      <Alert>
        Something broke while showing this page. Reload to try again, or go to another page from the menu.
      </Alert>
      <div className={styles.actions}>
        <Button variant="primary" onClick={() => window.location.reload()}>
          Reload the page
        </Button>
        <Link to="/">Go to the dashboard</Link>
      </div>
      <details className={styles.details}>
        <summary>Technical details</summary>
        <pre>{errorMessage(error)}</pre>
      </details>
    </div>
  );
}
