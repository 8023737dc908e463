import {
  type CSSProperties,
  type KeyboardEvent,
  type ReactNode,
  type RefObject,
  useId,
  useLayoutEffect,
  useRef,
  useState,
} from 'react';
import { Button } from './Button';
import { MoreIcon } from './icons';
import styles from './Menu.module.css';
import { handleMenuKey, menuItems, useCloseOnOutsidePress } from './menuBehaviour';

export interface MenuItem {
  label: string;
  icon?: ReactNode;
  onSelect: () => void;
  danger?: boolean;
  disabled?: boolean;
}

interface MenuProps {
  /** The trigger's accessible name, e.g. "Actions for web-1". */
  label: string;
  items: MenuItem[];
  /** Visible trigger text; icon-only when omitted. */
  text?: string;
  align?: 'start' | 'end';
}

/** A button opening a list of actions (WAI-ARIA menu button pattern). */
export function Menu({ label, items, text, align = 'end' }: MenuProps) {
  const [open, setOpen] = useState(false);
  // Placed against the window, so a table or card that scrolls or clips can't cut it off.
  const [position, setPosition] = useState<CSSProperties>({});
  const rootRef = useRef<HTMLDivElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  const triggerRef = useRef<HTMLButtonElement>(null);
  const menuId = useId();

  useLayoutEffect(() => {
    if (!open) return;
    const place = () => {
      const rect = triggerRef.current?.getBoundingClientRect();
      const menu = menuRef.current;
      if (!rect || !menu) return;
      const below = rect.bottom + 4;
      const fitsBelow = below + menu.offsetHeight <= window.innerHeight - 8;
      const top = fitsBelow ? below : Math.max(8, rect.top - 4 - menu.offsetHeight);
      setPosition(
        align === 'start'
          ? { top, left: Math.max(8, rect.left) }
          : { top, right: Math.max(8, window.innerWidth - rect.right) },
      );
    };
    place();
    menuItems(menuRef.current)[0]?.focus({ preventScroll: true });
    // The menu follows its button when anything scrolls or the window resizes (a live list growing
    // elsewhere on the page scrolls too), and closes only once the button has left the screen.
    const follow = () => {
      const rect = triggerRef.current?.getBoundingClientRect();
      if (!rect || rect.bottom < 0 || rect.top > window.innerHeight) setOpen(false);
      else place();
    };
    window.addEventListener('resize', follow);
    window.addEventListener('scroll', follow, { capture: true, passive: true });
    return () => {
      window.removeEventListener('resize', follow);
      window.removeEventListener('scroll', follow, { capture: true });
    };
  }, [open, align]);

  useCloseOnOutsidePress(open, rootRef, setOpen);

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    handleMenuKey(event, menuRef.current, (restoreFocus) => {
      setOpen(false);
      if (restoreFocus) triggerRef.current?.focus();
    });
  }

  return (
    <div ref={rootRef} className={styles.root}>
      <TriggerButton
        buttonRef={triggerRef}
        label={label}
        text={text}
        open={open}
        menuId={menuId}
        onClick={() => setOpen(!open)}
        onOpen={() => setOpen(true)}
      />
      {open && (
        <div
          ref={menuRef}
          id={menuId}
          role="menu"
          aria-label={label}
          className={styles.menu}
          style={position}
          onKeyDown={onKeyDown}
        >
          {items.map((item) => (
            <button
              key={item.label}
              type="button"
              role="menuitem"
              className={`${styles.item} ${item.danger ? styles.danger : ''}`}
              disabled={item.disabled}
              onClick={() => {
                setOpen(false);
                triggerRef.current?.focus();
                item.onSelect();
              }}
            >
              {item.icon}
              {item.label}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}

function TriggerButton(props: {
  buttonRef: RefObject<HTMLButtonElement | null>;
  label: string;
  text: string | undefined;
  open: boolean;
  menuId: string;
  onClick: () => void;
  onOpen: () => void;
}) {
  return (
    <Button
      ref={props.buttonRef}
      variant={props.text ? 'secondary' : 'ghost'}
      size="sm"
      icon={<MoreIcon />}
      aria-label={props.text ? undefined : props.label}
      title={props.text ? undefined : props.label}
      aria-haspopup="menu"
      aria-expanded={props.open}
      aria-controls={props.open ? props.menuId : undefined}
      onClick={props.onClick}
      onKeyDown={(event) => {
        if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
          event.preventDefault();
          props.onOpen();
        }
      }}
    >
      {props.text}
    </Button>
  );
}
