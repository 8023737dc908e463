import { Link, Outlet } from 'react-router-dom';
import { Logo } from '../ui/Logo';
import styles from './AppShell.module.css';
import { Header } from './Header';
import { SideNav } from './SideNav';

/** The frame around every signed-in page: navigation on the left, header on top. */
export function AppShell() {
  return (
    <div className={styles.shell}>
      <a href="#main" className={styles.skipLink}>
        Skip to main content
      </a>
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
    </div>
  );
}
