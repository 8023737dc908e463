import type { QueryClient } from '@tanstack/react-query';
import { cloudKeys } from '../api/clouds';
import { costKeys } from '../api/costs';
import { getMachine, machineKeys } from '../api/machines';
import { incidentKeys, rulesQuery } from '../api/monitoring';
import { networkKeys } from '../api/networks';
import { stackKeys } from '../api/stacks';
import type { Machine, MachineAction, StreamEvent } from '../api/types';
import { volumeKeys } from '../api/volumes';
import { applyAutomationEvent } from '../automation/live';
import { findCachedMachine, type MachinePatch, patchMachineLists, replaceMachine } from './cache';
import { recordInFeed } from './feed';
import { clearPending, markPending, pendingActions } from './pending';

type MachineChanged = Extract<StreamEvent, { type: 'machine.changed' }>;

const asString = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const asStrings = (value: unknown): string[] | null =>
  Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : null;

/** What an event says about a row, applied without asking the server; null when it can't say. */
export function patchFor(event: MachineChanged): MachinePatch | null {
  const { kind, data } = event;
  switch (kind) {
    case 'state_changed': {
      const to = asString(data.to);
      return to ? (m) => (m.state === to ? m : { ...m, state: to, missingSince: null }) : null;
    }
    case 'renamed': {
      const to = asString(data.to);
      return to ? (m) => ({ ...m, name: to }) : null;
    }
    case 'resized':
      return (m) => ({ ...m, size: asString(data.to) });
    case 'ip_changed': {
      const ips = (side: unknown) => asStrings((side as { to?: unknown } | undefined)?.to);
      const publicIps = ips(data.public);
      const privateIps = ips(data.private);
      return (m) => ({ ...m, publicIps: publicIps ?? m.publicIps, privateIps: privateIps ?? m.privateIps });
    }
    case 'cost_changed': {
      const to = data.to;
      const cost = to === null || to === undefined ? null : Number(to);
      return (m) => ({ ...m, costMonthly: cost === null || Number.isNaN(cost) ? null : cost.toFixed(2) });
    }
    case 'missing':
      return (m) => ({ ...m, state: 'missing', missingSince: new Date().toISOString() });
    case 'terminated':
      return (m) => ({ ...m, state: 'terminated' });
    case 'action': {
      // A rename is stored at once and announced as an action carrying the new name.
      const name = data.action === 'rename' ? asString(data.name) : null;
      return name ? (m) => ({ ...m, name }) : null;
    }
    default:
      return null;
  }
}

/** Kinds whose new values the event doesn't carry: the row is fetched again. */
const REFETCH_KINDS = new Set(['returned', 'updated', 'tagged']);
/** More rows than this changing at once are left to a list refetch instead. */
const MAX_ROW_FETCHES = 25;
/** An action announced this soon after a state change is taken as already answered. */
const RECENT_CHANGE_MS = 15_000;
/** Summaries (counts, costs) are refreshed at most this often while events stream in. */
const SUMMARY_DEBOUNCE_MS = 1500;

/**
 * Turns stream events into cache updates. Events are gathered for a few milliseconds so a
 * burst from one poll becomes one pass over the lists; rows change in place, so the
 * table keeps its scroll position, filters and selection.
 */
export function createEventApplier(queryClient: QueryClient) {
  let queue: StreamEvent[] = [];
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  let summaryTimer: ReturnType<typeof setTimeout> | undefined;
  const summaryKeys = new Map<string, readonly unknown[]>();
  // When each machine last changed state, to tell a late "action" event from a new one.
  const stateChangedAt = new Map<string, number>();

  const refreshSummaries = (...keys: (readonly unknown[])[]) => {
    for (const key of keys) summaryKeys.set(JSON.stringify(key), key);
    if (summaryTimer) return;
    summaryTimer = setTimeout(() => {
      summaryTimer = undefined;
      const due = [...summaryKeys.values()];
      summaryKeys.clear();
      for (const queryKey of due) void queryClient.invalidateQueries({ queryKey });
    }, SUMMARY_DEBOUNCE_MS);
  };

  const fetchRows = async (ids: string[]) => {
    for (const id of ids) {
      try {
        const detail = await getMachine(id);
        queryClient.setQueryData(machineKeys.detail(id), detail);
        replaceMachine(queryClient, detail.machine);
      } catch {
        // Gone or unreachable: the next list refetch settles it.
      }
    }
  };

  const flush = () => {
    flushTimer = undefined;
    const events = queue;
    queue = [];
    recordInFeed(events);

    const patches = new Map<string, MachinePatch>();
    const refetch = new Set<string>();
    let listsChanged = false;
    let machinesChanged = false;

    for (const event of events) {
      if (event.type === 'cloud.changed') {
        void queryClient.invalidateQueries({ queryKey: cloudKeys.list() });
        continue;
      }
      if (event.type === 'inventory.changed') {
        const kinds = Object.keys(event.counts);
        if (kinds.includes('volumes')) void queryClient.invalidateQueries({ queryKey: volumeKeys.all });
        if (kinds.includes('networks')) void queryClient.invalidateQueries({ queryKey: networkKeys.all });
        if (kinds.some((k) => k !== 'volumes' && k !== 'networks')) {
          listsChanged = true;
          machinesChanged = true;
        }
        refreshSummaries(costKeys.all, cloudKeys.list());
        continue;
      }
      if (event.type === 'stack.changed') {
        void queryClient.invalidateQueries({ queryKey: stackKeys.one(event.stackId) });
        if (event.part === 'stack') void queryClient.invalidateQueries({ queryKey: stackKeys.list() });
        continue;
      }
      if (event.type === 'template.changed') {
        // The templates list, each template and its versions sit under templates(); the catalog
        // names template versions.
        void queryClient.invalidateQueries({ queryKey: stackKeys.templates() });
        void queryClient.invalidateQueries({ queryKey: stackKeys.catalog() });
        continue;
      }
      if (event.type === 'incident.changed') {
        // The rules' states, the incident lists and the machine page's open incidents.
        void queryClient.invalidateQueries({ queryKey: rulesQuery.queryKey });
        void queryClient.invalidateQueries({ queryKey: incidentKeys.all });
        continue;
      }
      if (event.type !== 'machine.changed') {
        applyAutomationEvent(queryClient, event);
        continue;
      }
      machinesChanged = true;
      const { machineId, kind } = event;
      if (kind === 'created') listsChanged = true;
      if (kind === 'action') {
        // Someone (maybe in another tab) acted on it: the row shows the action under way,
        // unless its result is already here (the poll's report can overtake the action's).
        const action = asString(event.data.action) as MachineAction | null;
        const current = findCachedMachine(queryClient, machineId)?.state;
        const done =
          (action === 'start' && current === 'running') ||
          (action === 'stop' && current === 'stopped') ||
          Date.now() - (stateChangedAt.get(machineId) ?? 0) < RECENT_CHANGE_MS;
        if (action && action !== 'rename' && !done && !pendingActions.get().has(machineId)) {
          markPending(machineId, action);
        }
      }
      if (kind === 'state_changed' || kind === 'missing' || kind === 'terminated') {
        clearPending(machineId);
        stateChangedAt.set(machineId, Date.now());
      }
      if (REFETCH_KINDS.has(kind)) refetch.add(machineId);
      const patch = patchFor(event);
      if (patch) {
        const previous = patches.get(machineId);
        patches.set(machineId, previous ? (m: Machine) => patch(previous(m)) : patch);
      }
      if (kind !== 'updated') {
        // The detail page shows the history too, which only the server has.
        void queryClient.invalidateQueries({
          queryKey: machineKeys.detail(machineId),
          refetchType: 'active',
        });
      }
    }

    patchMachineLists(queryClient, patches);
    if (listsChanged || refetch.size > MAX_ROW_FETCHES) {
      void queryClient.invalidateQueries({ queryKey: machineKeys.lists() });
    } else if (refetch.size > 0) {
      void fetchRows([...refetch]);
    }
    if (machinesChanged) {
      refreshSummaries(
        machineKeys.counts(),
        machineKeys.recent(),
        costKeys.summary(),
        cloudKeys.list(),
        volumeKeys.all,
      );
    }
  };

  return {
    push(event: StreamEvent) {
      queue.push(event);
      flushTimer ??= setTimeout(flush, 8);
    },
    /** Once the stream listens: anything read before it, on first load or before a break, may be stale. */
    resync() {
      void queryClient.invalidateQueries({ predicate: (query) => query.queryKey[0] !== 'session' });
    },
    dispose() {
      clearTimeout(flushTimer);
      clearTimeout(summaryTimer);
    },
  };
}
