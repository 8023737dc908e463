import { useSession } from '../auth/SessionContext';
import styles from './Header.module.css';
import { LiveIndicator } from './LiveIndicator';
import { ThemeToggle } from './ThemeToggle';
import { UserMenu } from './UserMenu';

export function Header() {
  const { organization } = useSession();
  return (
    <header className={styles.header}>
      <p className={styles.org}>
        <span className={styles.orgLabel}>Organization</span>
        <span className={styles.orgName}>{organization.name}</span>
      </p>
      <div className={styles.tools}>
        <LiveIndicator />
        <ThemeToggle />
        <UserMenu />
      </div>
    </header>
  );
}
