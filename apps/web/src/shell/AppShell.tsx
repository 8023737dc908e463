import { type KeyboardEvent, useState } from 'react';
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
  // On narrow screens the navigation is a menu opened from the header.
  const [menuOpen, setMenuOpen] = useState(false);
  const closeMenu = () => setMenuOpen(false);
  const onMenuKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') closeMenu();
  };
  return (
    <div className={styles.shell}>
      <a href="#main" className={styles.skipLink}>
        Skip to main content
      </a>
      {navigating && <div className={styles.progress} role="progressbar" aria-label="Loading page" />}
      <aside id="main-menu" className={styles.sidebar} data-open={menuOpen} onKeyDown={onMenuKeyDown}>
        <Link to="/" className={styles.brand} aria-label="Overcast dashboard" onClick={closeMenu}>
          <Logo />
        </Link>
        <SideNav onNavigate={closeMenu} />
      </aside>
      <div className={styles.column}>
        <Header menuOpen={menuOpen} onMenuToggle={() => setMenuOpen(!menuOpen)} />
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
