import type { MachineAction } from '../api/types';
import { createStore } from './store';

export interface PendingAction {
  action: MachineAction;
  since: number;
}

// Actions sent to a provider whose result the next poll will show. Cleared by the state
// change that answers them, or after a while (a reboot may never show as a state).
const TIMEOUTS: Record<MachineAction, number> = {
  start: 180_000,
  stop: 180_000,
  destroy: 180_000,
  reboot: 30_000,
  rename: 30_000,
  pause: 30_000,
  unpause: 30_000,
  deallocate: 180_000,
};

export const pendingActions = createStore<ReadonlyMap<string, PendingAction>>(new Map());
const timers = new Map<string, ReturnType<typeof setTimeout>>();

export function markPending(machineId: string, action: MachineAction): void {
  clearTimeout(timers.get(machineId));
  timers.set(
    machineId,
    setTimeout(() => clearPending(machineId), TIMEOUTS[action]),
  );
  pendingActions.set((previous) => new Map(previous).set(machineId, { action, since: Date.now() }));
}

export function clearPending(machineId: string): void {
  if (!pendingActions.get().has(machineId)) return;
  clearTimeout(timers.get(machineId));
  timers.delete(machineId);
  pendingActions.set((previous) => {
    const next = new Map(previous);
    next.delete(machineId);
    return next;
  });
}

export function usePendingAction(machineId: string): PendingAction | undefined {
  return pendingActions.use().get(machineId);
}
