import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { Menu } from './Menu';

function renderMenu() {
  const onSelect = vi.fn();
  render(
    <>
      <div data-testid="live-list" style={{ overflow: 'auto', height: 50 }} />
      <Menu label="More actions for web-1" text="More" items={[{ label: 'Resize…', onSelect }]} />
    </>,
  );
  fireEvent.click(screen.getByRole('button', { name: 'More' }));
  return { onSelect };
}

describe('Menu', () => {
  it('stays open when something else on the page scrolls, so the choice can still be made', () => {
    const { onSelect } = renderMenu();
    fireEvent.scroll(screen.getByTestId('live-list'));
    fireEvent.scroll(window);
    fireEvent.click(screen.getByRole('menuitem', { name: 'Resize…' }));
    expect(onSelect).toHaveBeenCalledOnce();
  });

  it('closes once its button has scrolled off the screen', () => {
    renderMenu();
    const trigger = screen.getByRole('button', { name: 'More' });
    vi.spyOn(trigger, 'getBoundingClientRect').mockReturnValue(new DOMRect(0, -80, 60, 30));
    fireEvent.scroll(window);
    expect(screen.queryByRole('menu')).toBeNull();
  });
});
