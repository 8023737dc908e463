import { type KeyboardEvent, type ReactNode, useEffect, useRef, useState } from 'react';
import { Button } from './Button';
import styles from './filters.module.css';
import { CloseIcon, SearchIcon } from './icons';

/** A search box with its icon; the label is for screen readers, the placeholder for the eye. */
export function SearchField({
  label,
  placeholder = `${label}…`,
  value,
  onChange,
  onEnter,
  maxLength,
}: {
  label: string;
  placeholder?: string;
  value: string;
  onChange: (value: string) => void;
  /** What Enter does; by default nothing (it must not submit the surrounding form). */
  onEnter?: () => void;
  maxLength?: number;
}) {
  return (
    <label className={styles.search}>
      <SearchIcon className={styles.searchIcon} />
      <span className="visually-hidden">{label}</span>
      <input
        type="search"
        className={styles.searchInput}
        placeholder={placeholder}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={(e: KeyboardEvent) => {
          if (e.key !== 'Enter') return;
          e.preventDefault();
          onEnter?.();
        }}
        maxLength={maxLength}
        spellCheck={false}
      />
    </label>
  );
}

/**
 * A typed filter kept in the URL: what is typed goes there after a short pause (or at once on
 * Enter), and a change of the URL from elsewhere (back button, a link) replaces what is typed.
 */
export function useTypedFilter(committed: string | undefined, commit: (value: string) => void) {
  const [value, setValue] = useState(committed ?? '');
  // The latest callback, so a caller's inline function doesn't restart the pause.
  const commitRef = useRef(commit);
  commitRef.current = commit;
  useEffect(() => setValue(committed ?? ''), [committed]);
  useEffect(() => {
    if (value.trim() === (committed ?? '')) return;
    const timer = setTimeout(() => commitRef.current(value.trim()), 250);
    return () => clearTimeout(timer);
  }, [value, committed]);
  return { value, setValue, commitNow: () => commit(value.trim()) };
}

/** A select among a filter's values, marked while it narrows the list. */
export function FilterSelect({
  label,
  value,
  onChange,
  options,
  all,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  options: { value: string; label: string }[];
  all: string;
}) {
  return (
    <label className={styles.filterSelectLabel}>
      <span className="visually-hidden">{label}</span>
      <select
        className={`${styles.filterSelect} ${value ? styles.filterActive : ''}`}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      >
        <option value="">{all}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}

/**
 * The bar above a list: a search box (typed text reaches the URL after a short pause), the
 * list's selects, and "Clear" while anything narrows the list.
 */
export function FilterBar({
  search,
  filtered,
  onClear,
  children,
}: {
  search: { label: string; placeholder: string; value: string | undefined; onCommit: (q: string) => void };
  filtered: boolean;
  onClear: () => void;
  children: ReactNode;
}) {
  const q = useTypedFilter(search.value, search.onCommit);
  return (
    <search className={styles.filterBar}>
      <SearchField
        label={search.label}
        placeholder={search.placeholder}
        value={q.value}
        onChange={q.setValue}
        onEnter={q.commitNow}
        maxLength={200}
      />
      {children}
      {filtered && (
        <Button size="sm" variant="ghost" icon={<CloseIcon />} onClick={onClear}>
          Clear
        </Button>
      )}
    </search>
  );
}
