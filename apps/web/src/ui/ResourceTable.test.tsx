import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { renderWithApp, sessionWith } from '../../test/render';
import { type Column, ResourceTable, type RowAction } from './ResourceTable';

interface Key {
  id: string;
  name: string;
  isDefault: boolean;
}

const rows: Key[] = [
  { id: 'k1', name: 'deploy', isDefault: true },
  { id: 'k2', name: 'backup', isDefault: false },
];
const columns: Column<Key>[] = [
  { key: 'name', header: 'Name', cell: (k) => k.name },
  { key: 'default', header: 'Default', cell: (k) => (k.isDefault ? 'yes' : 'no') },
];
const done = { isPending: false, isError: false, error: null, refetch: () => undefined };

function table(actions: RowAction<Key>[], permissions: Record<string, string[]>, query = done) {
  return renderWithApp(
    <ResourceTable
      query={query}
      rows={query.isPending ? [] : rows}
      columns={columns}
      rowKey={(k) => k.id}
      rowProps={(k) => ({ 'data-key-id': k.id })}
      actions={actions}
      actionsLabel={(k) => `Actions for ${k.name}`}
      empty={<p>No keys yet</p>}
    />,
    { session: sessionWith(permissions) },
  );
}

describe('ResourceTable', () => {
  it('draws a row per item under the column headers', () => {
    table([], {});
    expect(screen.getAllByRole('columnheader').map((h) => h.textContent)).toEqual(['Name', 'Default']);
    const body = screen.getAllByRole('row').slice(1);
    expect(body.map((r) => r.getAttribute('data-key-id'))).toEqual(['k1', 'k2']);
    expect(within(body[1]!).getByText('backup')).toBeTruthy();
  });

  it('offers the actions the caller may take and runs them on the row', async () => {
    const rename = vi.fn();
    const remove = vi.fn();
    table(
      [
        { label: 'Rename', onSelect: rename, requires: { kind: 'keys', action: 'edit' } },
        { label: 'Delete', onSelect: remove, danger: true, requires: { kind: 'keys', action: 'delete' } },
      ],
      { keys: ['read', 'edit', 'delete'] },
    );
    await userEvent.click(screen.getByRole('button', { name: 'Actions for backup' }));
    const items = screen.getAllByRole('menuitem').map((i) => i.textContent);
    expect(items).toEqual(['Rename', 'Delete']);
    await userEvent.click(screen.getByRole('menuitem', { name: 'Delete' }));
    expect(remove).toHaveBeenCalledWith(rows[1]);
    expect(rename).not.toHaveBeenCalled();
  });

  it('hides what the caller may not do, or shows it disabled when asked to', async () => {
    table(
      [
        { label: 'Rename', onSelect: vi.fn(), requires: { kind: 'keys', action: 'edit' } },
        {
          label: 'Delete',
          onSelect: vi.fn(),
          requires: { kind: 'keys', action: 'delete' },
          whenDenied: 'disable',
        },
        {
          label: 'Make default',
          onSelect: vi.fn(),
          requires: { kind: 'keys', action: 'edit' },
          hidden: (k) => k.isDefault,
        },
      ],
      { keys: ['read', 'edit'] },
    );
    await userEvent.click(screen.getByRole('button', { name: 'Actions for deploy' }));
    const items = screen.getAllByRole('menuitem');
    expect(items.map((i) => i.textContent)).toEqual(['Rename', 'Delete']);
    expect((items[1] as HTMLButtonElement).disabled).toBe(true);
  });

  it('has no action column at all for someone who may do nothing', () => {
    table([{ label: 'Delete', onSelect: vi.fn(), requires: { kind: 'keys', action: 'delete' } }], {
      keys: ['read'],
    });
    expect(screen.queryByRole('button', { name: /Actions for/ })).toBeNull();
    expect(screen.getAllByRole('columnheader')).toHaveLength(2);
  });

  it('shows loading, the error with a retry, and the empty state in place of the table', async () => {
    const refetch = vi.fn();
    const { rerender } = table([], {}, { isPending: true, isError: false, error: null, refetch });
    expect(screen.getByLabelText('Loading')).toBeTruthy();
    expect(screen.queryByRole('table')).toBeNull();

    rerender(
      <ResourceTable
        query={{ isPending: false, isError: true, error: new Error('The database is down'), refetch }}
        rows={[]}
        columns={columns}
        rowKey={(k) => k.id}
        empty={<p>No keys yet</p>}
      />,
    );
    expect(screen.getByRole('alert').textContent).toContain('The database is down');
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(refetch).toHaveBeenCalled();

    rerender(
      <ResourceTable
        query={done}
        rows={[]}
        columns={columns}
        rowKey={(k) => k.id}
        empty={<p>No keys yet</p>}
      />,
    );
    expect(screen.getByText('No keys yet')).toBeTruthy();
    expect(screen.queryByRole('table')).toBeNull();
  });
});
