import { useId } from 'react';
import { NavLink } from 'react-router-dom';
import { preloadPage } from '../pageLoaders';
import { type NavGroup, navigation } from './navigation';
import styles from './SideNav.module.css';

/** `onNavigate` runs when a link is followed (it closes the menu on narrow screens). */
export function SideNav({ onNavigate }: { onNavigate?: () => void }) {
  return (
    <nav aria-label="Main" className={styles.nav}>
      {navigation.map((group) => (
        <Group key={group.label} group={group} onNavigate={onNavigate} />
      ))}
    </nav>
  );
}

function Group({ group, onNavigate }: { group: NavGroup; onNavigate?: () => void }) {
  const labelId = useId();
  return (
    <div className={styles.group}>
      <p id={labelId} className={styles.groupLabel}>
        {group.label}
      </p>
      <ul aria-labelledby={labelId} className={styles.list}>
        {group.items.map((item) => (
          <li key={item.to}>
            {/* NavLink sets aria-current="page" on the active entry. */}
            <NavLink
              to={item.to}
              end={item.to === '/'}
              className={styles.link}
              onPointerEnter={() => preloadPage(item.to)}
              onFocus={() => preloadPage(item.to)}
              onClick={onNavigate}
            >
              {item.icon}
              <span>{item.label}</span>
            </NavLink>
          </li>
        ))}
      </ul>
    </div>
  );
}
