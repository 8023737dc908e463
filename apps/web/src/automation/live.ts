import type { QueryClient } from '@tanstack/react-query';
import { automationKeys } from '../api/automation';
import type { StreamEvent } from '../api/types';
import { createStore } from '../live/store';
import { toast } from '../ui/toast';

type AutomationEvent = Exclude<
  StreamEvent,
  {
    type: 'machine.changed' | 'inventory.changed' | 'cloud.changed' | 'stack.changed' | 'incident.changed';
  }
>;

/** Live output per run and target, as it streams in (the stored record takes over once finished). */
export interface LiveTarget {
  stdout: string;
  stderr: string;
  status?: string;
}
export const liveOutput = createStore<Record<string, Record<string, LiveTarget>>>({});

/** Output kept per machine in the browser while a run streams; the server keeps all of it. */
const MAX_LIVE_CHARS = 256 * 1024;
const clip = (s: string) => (s.length > MAX_LIVE_CHARS ? s.slice(s.length - MAX_LIVE_CHARS) : s);

/** Forgets the live output of a run (its stored output is read from the server). */
export function dropLiveOutput(runId: string): void {
  liveOutput.set((all) => {
    if (!(runId in all)) return all;
    const { [runId]: _, ...rest } = all;
    return rest;
  });
}

/** A run's record is fetched again at most this often while its machines report in. */
const REFRESH_MS = 1_000;
const refreshTimers = new Map<string, ReturnType<typeof setTimeout>>();

/** Refetches a run soon, once for a burst of events (200 machines finishing need not mean 200 fetches). */
function refreshRun(queryClient: QueryClient, runId: string, now = false): void {
  const pending = refreshTimers.get(runId);
  if (pending && !now) return;
  clearTimeout(pending);
  const fire = () => {
    refreshTimers.delete(runId);
    void queryClient.invalidateQueries({ queryKey: automationKeys.run(runId) });
  };
  if (now) fire();
  else refreshTimers.set(runId, setTimeout(fire, REFRESH_MS));
}

export function applyAutomationEvent(queryClient: QueryClient, event: AutomationEvent): void {
  switch (event.type) {
    case 'script.output':
      liveOutput.set((all) => {
        const run = all[event.runId] ?? {};
        const target = run[event.targetId] ?? { stdout: '', stderr: '' };
        return {
          ...all,
          [event.runId]: {
            ...run,
            [event.targetId]: { ...target, [event.stream]: clip(target[event.stream] + event.data) },
          },
        };
      });
      return;
    case 'script.target':
      liveOutput.set((all) => {
        const run = all[event.runId] ?? {};
        const target = run[event.targetId] ?? { stdout: '', stderr: '' };
        return { ...all, [event.runId]: { ...run, [event.targetId]: { ...target, status: event.status } } };
      });
      refreshRun(queryClient, event.runId);
      return;
    case 'script.run':
      // The run is over (or just started): its record now, without waiting for the burst timer.
      refreshRun(queryClient, event.runId, true);
      void queryClient.invalidateQueries({ queryKey: automationKeys.scriptRuns(event.scriptId) });
      return;
    case 'schedule.run':
      void queryClient.invalidateQueries({ queryKey: automationKeys.scheduleRuns(event.scheduleId) });
      void queryClient.invalidateQueries({ queryKey: automationKeys.schedules });
      return;
    case 'notice':
      if (event.severity === 'info') toast.info(event.subject, { description: event.text });
      else toast.error(event.subject, { description: event.text });
      return;
  }
}
