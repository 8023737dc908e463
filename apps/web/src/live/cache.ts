import type { InfiniteData, QueryClient } from '@tanstack/react-query';
import { machineKeys } from '../api/machines';
import type { Machine, MachineDetail, MachinePage } from '../api/types';

export type MachinePatch = (machine: Machine) => Machine;
type MachineList = InfiniteData<MachinePage, string | null>;

/**
 * Applies patches to every cached machine list in one pass per list. Unchanged rows and
 * pages keep their identity, so only the rows that changed re-render.
 */
export function patchMachineLists(
  queryClient: QueryClient,
  patches: ReadonlyMap<string, MachinePatch>,
): void {
  if (patches.size === 0) return;
  for (const [key, data] of queryClient.getQueriesData<MachineList>({ queryKey: machineKeys.lists() })) {
    if (!data) continue;
    let changed = false;
    const pages = data.pages.map((page) => {
      let pageChanged = false;
      const items = page.items.map((machine) => {
        const patch = patches.get(machine.id);
        if (!patch) return machine;
        const next = patch(machine);
        if (next !== machine) pageChanged = true;
        return next;
      });
      if (!pageChanged) return page;
      changed = true;
      return { ...page, items };
    });
    if (changed) queryClient.setQueryData<MachineList>(key, { ...data, pages });
  }
  for (const [id, patch] of patches) {
    queryClient.setQueryData<MachineDetail>(machineKeys.detail(id), (detail) =>
      detail ? { ...detail, machine: patch(detail.machine) } : detail,
    );
  }
}

/** Puts a freshly fetched machine in place of its row in every list. */
export function replaceMachine(queryClient: QueryClient, machine: Machine): void {
  patchMachineLists(queryClient, new Map([[machine.id, () => machine]]));
}

/** Finds a machine in any cached list or detail, e.g. to name it in a message. */
export function findCachedMachine(queryClient: QueryClient, id: string): Machine | undefined {
  const detail = queryClient.getQueryData<MachineDetail>(machineKeys.detail(id));
  if (detail) return detail.machine;
  for (const [, data] of queryClient.getQueriesData<unknown>({ queryKey: machineKeys.all })) {
    if (!data || typeof data !== 'object') continue;
    if (Array.isArray(data)) {
      const found = (data as Machine[]).find((m) => m.id === id);
      if (found) return found;
    } else if ('pages' in data) {
      for (const page of (data as MachineList).pages) {
        const found = page.items.find((m) => m.id === id);
        if (found) return found;
      }
    }
  }
  return undefined;
}
