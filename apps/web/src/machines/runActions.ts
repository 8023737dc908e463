import type { QueryClient } from '@tanstack/react-query';
import { errorText } from '../api/errors';
import { machineAction } from '../api/machines';
import type { MachineAction } from '../api/types';
import { plural } from '../format/number';
import { findCachedMachine } from '../live/cache';
import { clearPending, markPending } from '../live/pending';
import { toast } from '../ui/toast';
import { ACTION_LABEL } from './state';

export interface MachineRef {
  id: string;
  name: string;
}

export interface BatchResult {
  ok: MachineRef[];
  failed: { machine: MachineRef; message: string }[];
}

/** Runs `task` over items, a few at a time, collecting failures instead of stopping. */
export async function forEachLimited<T>(
  items: T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<{ ok: T[]; failed: { item: T; error: unknown }[] }> {
  const ok: T[] = [];
  const failed: { item: T; error: unknown }[] = [];
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      try {
        await task(item);
        ok.push(item);
      } catch (error) {
        failed.push({ item, error });
      }
    }
  });
  await Promise.all(workers);
  return { ok, failed };
}

const VERB: Record<MachineAction, string> = {
  start: 'Starting',
  stop: 'Stopping',
  reboot: 'Rebooting',
  destroy: 'Destroying',
  rename: 'Renaming',
  pause: 'Pausing',
  unpause: 'Unpausing',
  deallocate: 'Deallocating',
};

/** The state an action ends in; a machine already there has nothing to wait for. */
const TARGET: Partial<Record<MachineAction, string>> = { start: 'running', stop: 'stopped' };

/**
 * Sends an action to each machine and reports with toasts. The provider accepts it at once
 * (202); the new state arrives from the stream, and the rows say "Stopping…" meanwhile.
 * The row is marked before the request goes out: the poll that answers it can reach the
 * page before the request's own response does.
 */
export async function runMachineActions(
  queryClient: QueryClient,
  machines: MachineRef[],
  action: MachineAction,
  options: { name?: string; removeVolumes?: boolean } = {},
): Promise<BatchResult> {
  const key = `action-${action}-${machines.map((m) => m.id).join(',')}`.slice(0, 200);
  const what = machines.length === 1 ? machines[0]!.name : plural(machines.length, 'machine');
  toast.info(`${VERB[action]} ${what}…`, { key, busy: true });
  const { ok, failed } = await forEachLimited(machines, 4, async (machine) => {
    const state = findCachedMachine(queryClient, machine.id)?.state;
    const waits = action !== 'rename' && !(TARGET[action] && TARGET[action] === state);
    if (waits) markPending(machine.id, action);
    try {
      await machineAction(machine.id, action, options.name, { removeVolumes: options.removeVolumes });
    } catch (error) {
      if (waits) clearPending(machine.id);
      throw error;
    }
  });
  const result: BatchResult = {
    ok,
    failed: failed.map(({ item, error }) => ({ machine: item, message: errorText(error) })),
  };
  if (result.failed.length === 0) {
    const done =
      action === 'rename' ? `Renamed to ${options.name}` : `${ACTION_LABEL[action]} sent to ${what}`;
    toast.success(done, {
      key,
      description:
        action === 'rename' ? undefined : 'The new state shows here as soon as the provider reports it.',
    });
  } else {
    const first = result.failed[0]!;
    toast.error(
      ok.length > 0
        ? `${ACTION_LABEL[action]}: ${ok.length} sent, ${result.failed.length} failed`
        : `Couldn't ${action} ${result.failed.length === 1 ? first.machine.name : what}`,
      { key, description: `${first.machine.name}: ${first.message}` },
    );
  }
  return result;
}
