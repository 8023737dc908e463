import { act, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FilterBar, FilterSelect } from './filters';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

function bar(q: string | undefined, onCommit: (q: string) => void, onClear = vi.fn()) {
  return (
    <FilterBar
      search={{ label: 'Search volumes', placeholder: 'Search name or ID', value: q, onCommit }}
      filtered={Boolean(q)}
      onClear={onClear}
    >
      <FilterSelect
        label="State"
        value=""
        onChange={vi.fn()}
        options={[{ value: 'ok', label: 'OK' }]}
        all="Any"
      />
    </FilterBar>
  );
}

describe('FilterBar', () => {
  it('commits what is typed after a short pause, once', () => {
    const commit = vi.fn();
    render(bar(undefined, commit));
    const box = screen.getByRole('searchbox', { name: 'Search volumes' });
    fireEvent.change(box, { target: { value: 'dat' } });
    fireEvent.change(box, { target: { value: 'data ' } });
    expect(commit).not.toHaveBeenCalled();
    act(() => vi.advanceTimersByTime(300));
    expect(commit).toHaveBeenCalledTimes(1);
    expect(commit).toHaveBeenCalledWith('data');
  });

  it('commits at once on Enter, and takes a new value from the URL', () => {
    const commit = vi.fn();
    const { rerender } = render(bar(undefined, commit));
    const box = screen.getByRole('searchbox', { name: 'Search volumes' }) as HTMLInputElement;
    fireEvent.change(box, { target: { value: 'web' } });
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(commit).toHaveBeenCalledWith('web');
    rerender(bar('db', commit));
    expect(box.value).toBe('db');
  });

  it('offers Clear only while something narrows the list', () => {
    const clear = vi.fn();
    const { rerender } = render(bar(undefined, vi.fn(), clear));
    expect(screen.queryByRole('button', { name: 'Clear' })).toBeNull();
    rerender(bar('db', vi.fn(), clear));
    fireEvent.click(screen.getByRole('button', { name: 'Clear' }));
    expect(clear).toHaveBeenCalled();
  });
});
