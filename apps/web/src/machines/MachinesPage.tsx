import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { cloudsQuery } from '../api/clouds';
import { errorText } from '../api/errors';
import { machineListQuery } from '../api/machines';
import type { Machine } from '../api/types';
import { usePermissions } from '../auth/permissions';
import { formatCount, plural } from '../format/number';
import { useProviderMeta } from '../providers/meta';
import { Button, ButtonLink } from '../ui/Button';
import { EmptyState } from '../ui/EmptyState';
import { DownloadIcon, PlusIcon, ServerIcon } from '../ui/icons';
import { Page } from '../ui/Page';
import { LoadError } from '../ui/QueryState';
import { toast } from '../ui/toast';
import { ActionDialog, type ActionRequest } from './ActionDialog';
import { BulkBar } from './BulkBar';
import { downloadText, machinesCsv } from './csv';
import { DEFAULT_SORT, hasFilters, useMachineFilters } from './filters';
import { MachineFilterBar } from './MachineFilterBar';
import { MachineTable } from './MachineTable';
import styles from './machines.module.css';
import type { MachineRef } from './runActions';
import { TagDialog } from './TagDialog';

export function MachinesPage() {
  const providerMeta = useProviderMeta();
  const [filters, setFilters] = useMachineFilters();
  const clouds = useQuery(cloudsQuery);
  const list = useInfiniteQuery(machineListQuery(filters));
  const permissions = usePermissions();

  const rows = useMemo(() => list.data?.pages.flatMap((page) => page.items) ?? [], [list.data]);
  const lastPage = list.data?.pages.at(-1);
  // The total can move while pages load (machines come and go); never below what is shown.
  const total = lastPage ? (lastPage.nextCursor ? Math.max(lastPage.total, rows.length) : rows.length) : 0;

  const [selected, setSelected] = useState<ReadonlyMap<string, MachineRef>>(new Map());
  const [action, setAction] = useState<ActionRequest | null>(null);
  const [tagging, setTagging] = useState(false);
  const [exporting, setExporting] = useState(false);
  const anchor = useRef<number | null>(null);
  const rowsRef = useRef(rows);
  rowsRef.current = rows;

  const onToggle = useCallback((machine: Machine, index: number, range: boolean) => {
    setSelected((previous) => {
      const next = new Map(previous);
      if (range && anchor.current !== null) {
        const [from, to] = [Math.min(anchor.current, index), Math.max(anchor.current, index)];
        const select = !previous.has(machine.id);
        for (const m of rowsRef.current.slice(from, to + 1)) {
          if (select) next.set(m.id, { id: m.id, name: m.name });
          else next.delete(m.id);
        }
      } else if (next.has(machine.id)) next.delete(machine.id);
      else next.set(machine.id, { id: machine.id, name: machine.name });
      return next;
    });
    anchor.current = index;
  }, []);

  const onToggleAll = useCallback(() => {
    setSelected((previous) => {
      const all = rowsRef.current;
      const everySelected = all.length > 0 && all.every((m) => previous.has(m.id));
      if (everySelected) {
        const next = new Map(previous);
        for (const m of all) next.delete(m.id);
        return next;
      }
      const next = new Map(previous);
      for (const m of all) next.set(m.id, { id: m.id, name: m.name });
      return next;
    });
  }, []);

  const { hasNextPage, isFetchingNextPage, fetchNextPage, isPlaceholderData } = list;
  const onNeedMore = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage && !isPlaceholderData) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, isPlaceholderData, fetchNextPage]);

  // Selection is by machine, so it survives live changes and re-sorting; Escape clears it.
  useEffect(() => {
    if (selected.size === 0) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && !event.defaultPrevented && !document.querySelector('dialog[open]')) {
        setSelected(new Map());
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [selected.size]);

  async function exportCsv() {
    setExporting(true);
    const key = 'machines-export';
    toast.info('Preparing the CSV…', { key, busy: true });
    try {
      const { csv, count } = await machinesCsv(filters, (done, all) =>
        toast.info(`Preparing the CSV… ${formatCount(done)} of ${formatCount(all)}`, { key, busy: true }),
      );
      const stamp = new Date().toISOString().slice(0, 16).replace(/[:T]/g, '-');
      downloadText(csv, `overcast-machines-${stamp}.csv`);
      toast.success(`Exported ${plural(count, 'machine')}`, { key });
    } catch (error) {
      toast.error("Couldn't export the machines", { key, description: errorText(error) });
    } finally {
      setExporting(false);
    }
  }

  const noClouds = clouds.data?.length === 0;
  const creatable = clouds.data?.some((c) => {
    const { features } = providerMeta(c.provider);
    return c.enabled && (features.create || features.containers);
  });
  const filtered = hasFilters(filters);

  return (
    <Page
      title="Machines"
      fill
      description={
        lastPage
          ? `${plural(lastPage.total, 'machine')}${filtered ? (lastPage.total === 1 ? ' matches the filters' : ' match the filters') : ' across your clouds'}`
          : 'Every machine across your clouds.'
      }
      actions={
        <>
          <Button icon={<DownloadIcon />} onClick={exportCsv} busy={exporting} disabled={!lastPage?.total}>
            Export CSV
          </Button>
          {permissions.can('machines', 'create') && creatable && (
            <ButtonLink
              to={filters.cloud ? `/machines/new?cloud=${filters.cloud}` : '/machines/new'}
              variant="primary"
              icon={<PlusIcon />}
            >
              Create machine
            </ButtonLink>
          )}
        </>
      }
    >
      {noClouds ? (
        <EmptyState
          icon={<ServerIcon />}
          title="No machines yet"
          link={{ to: '/clouds', label: 'Add a cloud' }}
        >
          <p>
            Machines from every cloud you add are listed here together, with their state, size, location and
            cost. You can start, stop, reboot, tag and destroy them from here.
          </p>
          <p>Add a cloud first; its machines show up after the first sync, usually within a few seconds.</p>
        </EmptyState>
      ) : (
        <>
          <MachineFilterBar filters={filters} onChange={setFilters} clouds={clouds.data ?? []} />
          {selected.size > 0 && permissions.operate && (
            <BulkBar
              count={selected.size}
              onAction={(a) => setAction({ action: a, machines: [...selected.values()] })}
              onTag={() => setTagging(true)}
              onClear={() => setSelected(new Map())}
            />
          )}
          {list.isError ? (
            <LoadError error={list.error} onRetry={list.refetch} />
          ) : list.isPending ? (
            <MachineTable
              rows={[]}
              total={12}
              sort={filters.sort ?? DEFAULT_SORT}
              onSort={() => {}}
              selected={selected}
              onToggle={onToggle}
              onToggleAll={onToggleAll}
              onNeedMore={onNeedMore}
              scrollKey="loading"
            />
          ) : total === 0 ? (
            <EmptyState
              icon={<ServerIcon />}
              title={filtered ? 'No machines match these filters' : 'No machines in your clouds yet'}
              actions={
                filtered ? (
                  <Button
                    onClick={() =>
                      setFilters({ q: '', cloud: '', state: '', provider: '', tag: '', owner: '' })
                    }
                  >
                    Clear filters
                  </Button>
                ) : undefined
              }
            >
              <p>
                {filtered
                  ? 'Try another search or fewer filters. Terminated machines are shown only with the Terminated state filter.'
                  : 'Your clouds have no machines, or the first sync is still running. They appear here as soon as it finishes.'}
              </p>
            </EmptyState>
          ) : (
            <MachineTable
              rows={rows}
              total={total}
              sort={filters.sort ?? DEFAULT_SORT}
              onSort={(sort) => setFilters({ sort })}
              selected={selected}
              onToggle={onToggle}
              onToggleAll={onToggleAll}
              onNeedMore={onNeedMore}
              scrollKey={JSON.stringify(filters)}
              stale={list.isPlaceholderData}
            />
          )}
          <p className={styles.tableFoot} aria-live="polite">
            {list.isFetchingNextPage
              ? `Loading more… ${formatCount(rows.length)} of ${formatCount(total)}`
              : selected.size > 0
                ? `${plural(selected.size, 'machine')} selected. Shift-click selects a range; Escape clears.`
                : ' '}
          </p>
        </>
      )}
      <ActionDialog
        request={action}
        onClose={() => setAction(null)}
        onDone={(a) => {
          if (a === 'destroy') setSelected(new Map());
        }}
      />
      <TagDialog open={tagging} machines={[...selected.values()]} onClose={() => setTagging(false)} />
    </Page>
  );
}
