import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { errorText } from '../api/errors';
import { organizationsQuery, switchOrganization } from '../api/organization';
import { useSession } from '../auth/SessionContext';
import { startSession } from '../auth/session';
import { useLogout } from '../auth/useLogout';
import { ChevronDownIcon, KeyIcon, LogOutIcon, UsersIcon } from '../ui/icons';
import layout from '../ui/layout.module.css';
import { handleMenuKey, menuItems, useCloseOnOutsidePress } from '../ui/menuBehaviour';
import { Spinner } from '../ui/Spinner';
import { roleLabel } from './roleLabel';
import styles from './UserMenu.module.css';

/** The account button in the header and its menu (WAI-ARIA menu button pattern). */
export function UserMenu() {
  const { user, organization, role } = useSession();
  const logout = useLogout();
  const [open, setOpen] = useState(false);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const organizations = useQuery({ ...organizationsQuery, enabled: open });
  const others = (organizations.data ?? []).filter((o) => o.id !== organization.id);
  // Another organization: every cached list belongs to the old one, so all of it is refetched.
  const switchTo = useMutation({
    mutationFn: switchOrganization,
    onSuccess: async (session) => {
      await startSession(queryClient, session);
      await queryClient.invalidateQueries({ predicate: (q) => q.queryKey[0] !== 'session' });
      setOpen(false);
      navigate('/');
    },
  });
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  const buttonId = useId();
  const menuId = useId();

  function close({ restoreFocus }: { restoreFocus: boolean }) {
    setOpen(false);
    if (restoreFocus) buttonRef.current?.focus();
  }

  // Opening moves focus into the menu so arrow keys and Enter work straight away.
  useEffect(() => {
    if (open) menuItems(menuRef.current)[0]?.focus();
  }, [open]);

  // A click or tap anywhere else closes the menu.
  useCloseOnOutsidePress(open, rootRef, setOpen);

  function onButtonKeyDown(event: KeyboardEvent<HTMLButtonElement>) {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      setOpen(true);
    }
  }

  function onMenuKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    handleMenuKey(event, menuRef.current, (restoreFocus) => close({ restoreFocus }));
  }

  return (
    <div ref={rootRef} className={styles.root}>
      <button
        ref={buttonRef}
        id={buttonId}
        type="button"
        className={styles.trigger}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        onClick={() => setOpen(!open)}
        onKeyDown={onButtonKeyDown}
      >
        <span className={styles.avatar} aria-hidden="true">
          {(user.name || user.email).charAt(0).toUpperCase()}
        </span>
        <span className={styles.email}>{user.email}</span>
        <ChevronDownIcon className={styles.chevron} />
      </button>
      {open && (
        <div className={styles.popover}>
          <div className={styles.identity}>
            {user.name && <p className={styles.name}>{user.name}</p>}
            <p className={layout.muted}>{user.email}</p>
            <p className={layout.muted}>
              {roleLabel(role)} · {organization.name}
            </p>
          </div>
          <div ref={menuRef} id={menuId} role="menu" aria-labelledby={buttonId} onKeyDown={onMenuKeyDown}>
            <button
              type="button"
              role="menuitem"
              className={styles.item}
              onClick={() => {
                setOpen(false);
                navigate('/account');
              }}
            >
              <KeyIcon />
              Account & security
            </button>
            {others.map((o) => (
              <button
                key={o.id}
                type="button"
                role="menuitem"
                className={styles.item}
                aria-disabled={switchTo.isPending || undefined}
                onClick={() => {
                  if (!switchTo.isPending) switchTo.mutate(o.id);
                }}
              >
                <UsersIcon />
                Switch to {o.name}
              </button>
            ))}
            <button
              type="button"
              role="menuitem"
              className={styles.item}
              aria-disabled={logout.isPending || undefined}
              onClick={() => {
                if (!logout.isPending) logout.mutate();
              }}
            >
              {logout.isPending ? <Spinner size="sm" /> : <LogOutIcon />}
              {logout.isPending ? 'Logging out…' : 'Log out'}
            </button>
          </div>
          {switchTo.isError && (
            <p role="alert" className={styles.error}>
              {errorText(switchTo.error)}
            </p>
          )}
          {logout.isError && (
            <p role="alert" className={styles.error}>
              Couldn't log out. Check your connection and try again.
            </p>
          )}
        </div>
      )}
    </div>
  );
}
