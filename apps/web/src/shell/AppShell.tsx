import { Link, Outlet, useNavigation } from 'react-router-dom';
import { useLiveUpdates } from '../live/useLiveUpdates';
import { Logo } from '../ui/Logo';
import { Toaster } from '../ui/Toaster';
import styles from './AppShell.module.css';
import { Header } from './Header';
import { SideNav } from './SideNav';

/** The frame around every signed-in page: navigation on the left, header on top. */
export function AppShell() {
  useLiveUpdates();
  const navigating = useNavigation().state === 'loading';
  return (
    <div className={styles.shell}>
      <a href="#main" className={styles.skipLink}>
        Skip to main content
      </a>
      {navigating && <div className={styles.progress} role="progressbar" aria-label="Loading page" />}
      <aside className={styles.sidebar}>
        <Link to="/" className={styles.brand} aria-label="Overcast dashboard">
          <Logo />
        </Link>
        <SideNav />
      </aside>
      <div className={styles.column}>
        <Header />
        <main id="main" tabIndex={-1} className={styles.main}>
          <div className={styles.content}>
            <Outlet />
          </div>
        </main>
      </div>
      <Toaster />
    </div>
  );
}
