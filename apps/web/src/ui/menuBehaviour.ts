import { type KeyboardEvent, type RefObject, useEffect } from 'react';

/** The menu's usable items, in order (disabled ones are skipped). */
export function menuItems(menu: HTMLElement | null): HTMLElement[] {
  return Array.from(menu?.querySelectorAll<HTMLElement>('[role="menuitem"]:not(:disabled)') ?? []);
}

/**
 * Keyboard use of an open menu (WAI-ARIA menu pattern): arrows, Home and End move among the
 * items; Escape closes and returns focus to the trigger; Tab closes and lets focus move on.
 */
export function handleMenuKey(
  event: KeyboardEvent<HTMLElement>,
  menu: HTMLElement | null,
  close: (restoreFocus: boolean) => void,
): void {
  const list = menuItems(menu);
  const index = list.indexOf(document.activeElement as HTMLElement);
  const moveTo = (i: number) => list[(i + list.length) % list.length]?.focus();
  switch (event.key) {
    case 'ArrowDown':
      moveTo(index + 1);
      break;
    case 'ArrowUp':
      moveTo(index - 1);
      break;
    case 'Home':
      moveTo(0);
      break;
    case 'End':
      moveTo(list.length - 1);
      break;
    case 'Escape':
      close(true);
      break;
    case 'Tab':
      close(false);
      return; // let focus move on naturally
    default:
      return;
  }
  event.preventDefault();
}

/** While the menu is open, a press anywhere outside `root` closes it. */
export function useCloseOnOutsidePress(
  open: boolean,
  root: RefObject<HTMLElement | null>,
  setOpen: (open: boolean) => void,
): void {
  useEffect(() => {
    if (!open) return;
    const onPointerDown = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointerDown);
    return () => document.removeEventListener('pointerdown', onPointerDown);
  }, [open, root, setOpen]);
}
