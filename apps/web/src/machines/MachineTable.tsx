import { formatTag } from '@overcast/contracts/tags';
import { type CSSProperties, type MouseEvent, memo, useEffect, useRef } from 'react';
import { Link } from 'react-router-dom';
import type { Machine } from '../api/types';
import { formatMoney } from '../format/number';
import { ProviderIcon } from '../providers/ProviderIcon';
import { SortIcon } from '../ui/icons';
import layout from '../ui/layout.module.css';
import { RelativeTime } from '../ui/RelativeTime';
import { Skeleton } from '../ui/Skeleton';
import { costNote } from './cost';
import styles from './MachineTable.module.css';
import { StateBadge } from './StateBadge';
import { useVirtualRows } from './useVirtualRows';

export const ROW_HEIGHT = 44;
const HEADER_HEIGHT = 40;

interface Column {
  id: string;
  label: string;
  /** The API's sort key, when the column can be sorted. */
  sort?: string;
  width: string;
  align?: 'end';
}

const COLUMNS: Column[] = [
  { id: 'name', label: 'Name', sort: 'name', width: 'minmax(8.5rem, 1fr)' },
  { id: 'cloud', label: 'Cloud', sort: 'cloud', width: 'minmax(9.5rem, 1.2fr)' },
  { id: 'state', label: 'State', sort: 'state', width: '7rem' },
  { id: 'size', label: 'Size', sort: 'size', width: 'minmax(7rem, 1fr)' },
  { id: 'ips', label: 'IP addresses', width: '9.25rem' },
  { id: 'location', label: 'Location', sort: 'location', width: 'minmax(6.25rem, 0.6fr)' },
  { id: 'launchedAt', label: 'Created', sort: 'launchedAt', width: '6rem' },
  { id: 'cost', label: 'Cost/mo', sort: 'cost', width: '6rem', align: 'end' },
  { id: 'tags', label: 'Tags', width: 'minmax(8rem, 1.2fr)' },
];

const TEMPLATE = `2.75rem ${COLUMNS.map((c) => c.width).join(' ')}`;

interface MachineTableProps {
  /** The rows loaded so far, in order. */
  rows: Machine[];
  /** How many rows match in all (the ones not loaded yet show as placeholders). */
  total: number;
  sort: string;
  onSort: (sort: string) => void;
  selected: ReadonlyMap<string, unknown>;
  onToggle: (machine: Machine, index: number, range: boolean) => void;
  onToggleAll: () => void;
  /** Asked when the rows in view come close to the end of what is loaded. */
  onNeedMore: () => void;
  /** Keeps the scroll position across visits to a machine and back. */
  scrollKey: string;
  /** Rows of the previous filter, shown while the new one loads. */
  stale?: boolean;
}

const scrollMemory = new Map<string, number>();

/**
 * Every machine in one table that scrolls inside itself. Only the rows in view exist in the
 * page, so ten thousand rows scroll as smoothly as ten.
 */
export function MachineTable(props: MachineTableProps) {
  const {
    rows,
    total,
    sort,
    onSort,
    selected,
    onToggle,
    onToggleAll,
    onNeedMore,
    scrollKey,
    stale = false,
  } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const range = useVirtualRows(scrollRef, { count: total, rowHeight: ROW_HEIGHT });

  // Back on the page at the same scroll position as before.
  useEffect(() => {
    const element = scrollRef.current;
    if (!element) return;
    // A new filter starts at the top; coming back to one returns to where it was.
    element.scrollTop = scrollMemory.get(scrollKey) ?? 0;
    return () => {
      scrollMemory.set(scrollKey, element.scrollTop);
    };
  }, [scrollKey]);

  useEffect(() => {
    if (range.end > rows.length - 100 && rows.length < total) onNeedMore();
  }, [range.end, rows.length, total, onNeedMore]);

  const loadedSelected = rows.reduce((n, m) => n + (selected.has(m.id) ? 1 : 0), 0);
  const allSelected = rows.length > 0 && loadedSelected === rows.length;
  const someSelected = loadedSelected > 0 && !allSelected;
  const sortKey = sort.replace(/^-/, '');
  const descending = sort.startsWith('-');

  const visible = [];
  for (let index = range.start; index < range.end; index++) {
    const machine = rows[index];
    visible.push(
      machine ? (
        <Row
          key={machine.id}
          machine={machine}
          index={index}
          selected={selected.has(machine.id)}
          onToggle={onToggle}
        />
      ) : (
        <PlaceholderRow key={`placeholder-${index}`} index={index} />
      ),
    );
  }

  return (
    <div
      ref={scrollRef}
      className={`${styles.scroller} ${stale ? styles.stale : ''}`}
      aria-busy={stale || undefined}
    >
      <table
        aria-label="Machines"
        aria-rowcount={total + 1}
        className={styles.table}
        style={
          {
            '--columns': TEMPLATE,
            '--row-height': `${ROW_HEIGHT}px`,
            '--head-height': `${HEADER_HEIGHT}px`,
          } as CSSProperties
        }
      >
        <thead className={styles.head}>
          <tr aria-rowindex={1} className={styles.headRow}>
            <th scope="col" className={`${styles.cell} ${styles.check} ${styles.stickyCheck}`}>
              <Checkbox
                label={allSelected ? 'Unselect all loaded machines' : 'Select all loaded machines'}
                checked={allSelected}
                indeterminate={someSelected}
                onChange={onToggleAll}
                disabled={rows.length === 0}
              />
            </th>
            {COLUMNS.map((column) => {
              const active = column.sort === sortKey;
              const direction = active ? (descending ? 'desc' : 'asc') : null;
              return (
                <th
                  key={column.id}
                  scope="col"
                  aria-sort={active ? (descending ? 'descending' : 'ascending') : undefined}
                  className={[
                    styles.cell,
                    styles.headCell,
                    column.align === 'end' && styles.end,
                    column.id === 'name' && styles.stickyName,
                  ]
                    .filter(Boolean)
                    .join(' ')}
                >
                  {column.sort ? (
                    <button
                      type="button"
                      className={`${styles.sortButton} ${active ? styles.sorted : ''}`}
                      onClick={() => onSort(active && !descending ? `-${column.sort}` : column.sort!)}
                      title={`Sort by ${column.label.toLowerCase()}`}
                    >
                      {column.label}
                      <SortIcon direction={direction} className={styles.sortIcon} />
                    </button>
                  ) : (
                    column.label
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody className={styles.body} style={{ height: total * ROW_HEIGHT }}>
          {visible}
        </tbody>
      </table>
    </div>
  );
}

function Checkbox({
  label,
  checked,
  indeterminate = false,
  onChange,
  onClick,
  disabled,
}: {
  label: string;
  checked: boolean;
  indeterminate?: boolean;
  onChange: () => void;
  onClick?: (event: MouseEvent<HTMLInputElement>) => void;
  disabled?: boolean;
}) {
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = indeterminate;
  }, [indeterminate]);
  return (
    <input
      ref={ref}
      type="checkbox"
      className={styles.checkbox}
      aria-label={label}
      checked={checked}
      onChange={onChange}
      onClick={onClick}
      disabled={disabled}
    />
  );
}

const Row = memo(function Row({
  machine: m,
  index,
  selected,
  onToggle,
}: {
  machine: Machine;
  index: number;
  selected: boolean;
  onToggle: MachineTableProps['onToggle'];
}) {
  // An EC2 Name tag is the name itself; the column shows the others.
  const tags = Object.entries(m.tags).filter(([k, v]) => !(k === 'Name' && v === m.name));
  return (
    <tr
      aria-rowindex={index + 2}
      data-machine-id={m.id}
      className={`${styles.row} ${selected ? styles.selected : ''}`}
      style={{ transform: `translateY(${index * ROW_HEIGHT}px)` }}
    >
      <td className={`${styles.cell} ${styles.check} ${styles.stickyCheck}`}>
        <Checkbox
          label={`Select ${m.name}`}
          checked={selected}
          onChange={() => {}}
          onClick={(event) => onToggle(m, index, event.shiftKey)}
        />
      </td>
      <td className={`${styles.cell} ${styles.stickyName}`}>
        <Link to={`/machines/${m.id}`} className={styles.name} title={m.name}>
          {m.name}
        </Link>
      </td>
      <td className={styles.cell}>
        <span className={styles.cloud}>
          <ProviderIcon provider={m.provider} />
          <span className={styles.truncate} title={m.cloudTitle}>
            {m.cloudTitle}
          </span>
        </span>
      </td>
      <td className={styles.cell} data-state={m.state}>
        <StateBadge machineId={m.id} state={m.state} rawState={m.rawState} provider={m.provider} />
      </td>
      <td className={`${styles.cell} ${styles.truncate}`} title={m.size ?? undefined}>
        {m.size ?? <Muted />}
      </td>
      <td className={`${styles.cell} ${styles.ips}`} title={ipTitle(m)}>
        {m.publicIps.length === 0 && m.privateIps.length === 0 ? (
          <Muted />
        ) : (
          <>
            <span className={styles.ip}>
              <span className={styles.ipText}>{m.publicIps[0] ?? 'no public IP'}</span>
              {m.publicIps.length > 1 && <span className={styles.more}>+{m.publicIps.length - 1}</span>}
            </span>
            {m.privateIps[0] && (
              <span className={`${styles.ip} ${layout.muted}`}>
                <span className={styles.ipText}>{m.privateIps[0]}</span>
                {m.privateIps.length > 1 && <span className={styles.more}>+{m.privateIps.length - 1}</span>}
              </span>
            )}
          </>
        )}
      </td>
      <td className={`${styles.cell} ${styles.truncate}`} title={m.location ?? undefined}>
        {m.location ?? <Muted />}
      </td>
      <td className={`${styles.cell} ${layout.muted}`}>
        <RelativeTime value={m.launchedAt} />
      </td>
      <td className={`${styles.cell} ${styles.end} ${styles.num}`} title={costNote(m) || undefined}>
        {m.costMonthly === null ? (
          <span className={styles.none}>no price</span>
        ) : (
          formatMoney(m.costMonthly, m.costCurrency)
        )}
      </td>
      <td className={styles.cell}>
        {tags.length === 0 ? (
          <Muted />
        ) : (
          <span className={styles.tags} title={tags.map(([k, v]) => formatTag(k, v)).join('\n')}>
            {tags.slice(0, 2).map(([k, v]) => (
              <span key={k} className={styles.tag}>
                {formatTag(k, v)}
              </span>
            ))}
            {tags.length > 2 && <span className={styles.more}>+{tags.length - 2}</span>}
          </span>
        )}
      </td>
    </tr>
  );
});

function PlaceholderRow({ index }: { index: number }) {
  return (
    <tr
      aria-rowindex={index + 2}
      aria-busy="true"
      className={styles.row}
      style={{ transform: `translateY(${index * ROW_HEIGHT}px)` }}
    >
      <td className={`${styles.cell} ${styles.check}`} />
      {COLUMNS.map((c) => (
        <td key={c.id} className={styles.cell}>
          <Skeleton width={c.id === 'name' ? '70%' : '55%'} />
        </td>
      ))}
    </tr>
  );
}

function ipTitle(m: Machine): string | undefined {
  const lines = [];
  if (m.publicIps.length) lines.push(`Public: ${m.publicIps.join(', ')}`);
  if (m.privateIps.length) lines.push(`Private: ${m.privateIps.join(', ')}`);
  return lines.join('\n') || undefined;
}

function Muted() {
  return <span className={styles.none}>—</span>;
}
