import type { AuthzAction, ResourceKind } from '@overcast/contracts/authz';
import { Fragment, type HTMLAttributes, type ReactNode } from 'react';
import { type Permissions, usePermissions } from '../auth/permissions';
import { Card } from './Card';
import table from './DataTable.module.css';
import { Menu, type MenuItem } from './Menu';
import { type QueryLike, QueryState } from './QueryState';

export interface Column<T> {
  /** Stable key of the column. */
  key: string;
  header: ReactNode;
  cell: (row: T) => ReactNode;
  /** Numbers and amounts: right-aligned, tabular figures. */
  numeric?: boolean;
  /** Right-aligned text that isn't a number. */
  end?: boolean;
  className?: string;
}

export interface RowAction<T> {
  label: string | ((row: T) => string);
  icon?: ReactNode;
  danger?: boolean;
  onSelect: (row: T) => void;
  /** The right this action needs; without it the action is hidden (or disabled, see `whenDenied`). */
  requires?: { kind: ResourceKind; action: AuthzAction } | ((permissions: Permissions) => boolean);
  /** What to do with an action the caller may not take: hide it (default) or show it disabled. */
  whenDenied?: 'hide' | 'disable';
  /** Rows the action does not apply to (e.g. "Make default" on the default key). */
  hidden?: (row: T) => boolean;
  /** Rows on which the action can't run right now. */
  disabled?: (row: T) => boolean;
}

interface ResourceTableProps<T> {
  /** The query feeding the rows: its loading and error states are shown in place of the table. */
  query: QueryLike;
  rows: readonly T[];
  columns: readonly Column<T>[];
  rowKey: (row: T) => string;
  /** Attributes of a row (`data-*` ids for tests and links, a class). */
  rowProps?: (row: T) => HTMLAttributes<HTMLTableRowElement> & Record<`data-${string}`, string>;
  /** The row's action menu; actions the caller may not take are hidden or disabled. */
  actions?: readonly RowAction<T>[];
  /** Accessible name of a row's action menu. */
  actionsLabel?: (row: T) => string;
  /** Controls shown before the menu in the actions cell (a one-click button). */
  rowControls?: (row: T) => ReactNode;
  /** A full-width line under a row (an error about it); rows then get a <tbody> each. */
  detail?: (row: T) => ReactNode;
  /** Attributes of a row's <tbody> when rows are grouped (see `detail`). */
  groupProps?: (row: T) => HTMLAttributes<HTMLTableSectionElement> & Record<`data-${string}`, string>;
  /** Rows drawn before the data (operations still on their way). */
  leadingRows?: ReactNode;
  /** Shown instead of the table when there are no rows. */
  empty: ReactNode;
  /** Accessible name of the table. */
  label?: string;
  className?: string;
  /** Skeleton lines while loading. */
  loadingLines?: number;
  /** Drawn inside a card of the caller's (no card of its own). */
  bare?: boolean;
}

/** The items of a row's menu the caller may see: denied ones hidden or disabled. */
export function visibleActions<T>(
  actions: readonly RowAction<T>[],
  row: T,
  permissions: Permissions,
): MenuItem[] {
  const items: MenuItem[] = [];
  for (const action of actions) {
    if (action.hidden?.(row)) continue;
    const allowed =
      action.requires === undefined
        ? true
        : typeof action.requires === 'function'
          ? action.requires(permissions)
          : permissions.can(action.requires.kind, action.requires.action);
    if (!allowed && action.whenDenied !== 'disable') continue;
    items.push({
      label: typeof action.label === 'function' ? action.label(row) : action.label,
      icon: action.icon,
      danger: action.danger,
      disabled: !allowed || (action.disabled?.(row) ?? false),
      onSelect: () => action.onSelect(row),
    });
  }
  return items;
}

/**
 * The list of a resource: columns, rows, loading/error/empty states and a row action menu
 * that only offers what the signed-in person may do (the API refuses anyway).
 */
export function ResourceTable<T>({
  query,
  rows,
  columns,
  rowKey,
  rowProps,
  actions = [],
  actionsLabel,
  rowControls,
  detail,
  groupProps,
  leadingRows,
  empty,
  label,
  className,
  loadingLines,
  bare = false,
}: ResourceTableProps<T>) {
  const permissions = usePermissions();
  const menus = rows.map((row) => visibleActions(actions, row, permissions));
  const hasActions = rowControls !== undefined || menus.some((items) => items.length > 0);
  const width = columns.length + (hasActions ? 1 : 0);

  const line = (row: T, index: number) => {
    const items = menus[index] ?? [];
    return (
      <tr {...rowProps?.(row)}>
        {columns.map((column) => (
          <td key={column.key} className={cellClass(column)}>
            {column.cell(row)}
          </td>
        ))}
        {hasActions && (
          <td className={table.end}>
            <span className={table.rowActions}>
              {rowControls?.(row)}
              {items.length > 0 && <Menu label={actionsLabel?.(row) ?? 'Actions'} items={items} />}
            </span>
          </td>
        )}
      </tr>
    );
  };

  return (
    <QueryState query={query} lines={loadingLines}>
      {rows.length === 0 && !leadingRows ? (
        empty
      ) : (
        <Frame bare={bare}>
          <div className={table.scroll}>
            <table className={[table.table, className].filter(Boolean).join(' ')} aria-label={label}>
              <thead>
                <tr>
                  {columns.map((column) => (
                    <th key={column.key} scope="col" className={cellClass(column)}>
                      {column.header}
                    </th>
                  ))}
                  {hasActions && (
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  )}
                </tr>
              </thead>
              {detail ? (
                <>
                  {leadingRows && <tbody>{leadingRows}</tbody>}
                  {rows.map((row, index) => {
                    const extra = detail(row);
                    return (
                      <tbody key={rowKey(row)} className={table.group} {...groupProps?.(row)}>
                        {line(row, index)}
                        {extra && (
                          <tr className={table.detail}>
                            <td colSpan={width}>{extra}</td>
                          </tr>
                        )}
                      </tbody>
                    );
                  })}
                </>
              ) : (
                <tbody>
                  {leadingRows}
                  {rows.map((row, index) => (
                    <Fragment key={rowKey(row)}>{line(row, index)}</Fragment>
                  ))}
                </tbody>
              )}
            </table>
          </div>
        </Frame>
      )}
    </QueryState>
  );
}

function Frame({ bare, children }: { bare: boolean; children: ReactNode }) {
  return bare ? children : <Card flush>{children}</Card>;
}

function cellClass<T>(column: Column<T>): string | undefined {
  return (
    [column.numeric || column.end ? table.end : null, column.numeric ? table.num : null, column.className]
      .filter(Boolean)
      .join(' ') || undefined
  );
}
