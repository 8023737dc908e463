import { useSession } from '../auth/SessionContext';
import { Button } from '../ui/Button';
import { CloseIcon, MenuIcon } from '../ui/icons';
import layout from '../ui/layout.module.css';
import styles from './Header.module.css';
import { LiveIndicator } from './LiveIndicator';
import { ThemeToggle } from './ThemeToggle';
import { UserMenu } from './UserMenu';

interface HeaderProps {
  /** Whether the navigation menu (narrow screens only) is open. */
  menuOpen: boolean;
  onMenuToggle: () => void;
}

export function Header({ menuOpen, onMenuToggle }: HeaderProps) {
  const { organization } = useSession();
  return (
    <header className={styles.header}>
      <Button
        variant="ghost"
        size="sm"
        className={styles.menuButton}
        aria-label="Menu"
        aria-expanded={menuOpen}
        aria-controls="main-menu"
        onClick={onMenuToggle}
        icon={menuOpen ? <CloseIcon /> : <MenuIcon />}
      />
      <p className={styles.org}>
        <span className={styles.orgLabel}>Organization</span>
        <span className={styles.orgName}>{organization.name}</span>
      </p>
      <div className={layout.inline}>
        <LiveIndicator />
        <ThemeToggle />
        <UserMenu />
      </div>
    </header>
  );
}
