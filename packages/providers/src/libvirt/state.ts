import type { MachineState } from '@overcast/contracts';

/**
 * libvirt domain states (as `virsh domstate` words) in Overcast's vocabulary. Transitional
 * states report where they are heading, like the other drivers:
 * - paused → stopped: the guest is frozen and serves nothing; `start` resumes it.
 * - in shutdown → stopped, dying → stopped: on the way to "shut off".
 * - pmsuspended (guest suspended itself to RAM/disk) → stopped.
 * - idle and blocked are a running guest waiting for CPU or I/O → running.
 * - crashed → error. "no state" and anything unknown → unknown. rawState keeps libvirt's word.
 */
const STATES: Record<string, MachineState> = {
  running: 'running',
  idle: 'running',
  blocked: 'running',
  paused: 'stopped',
  'in shutdown': 'stopped',
  'shut off': 'stopped',
  dying: 'stopped',
  pmsuspended: 'stopped',
  crashed: 'error',
  'no state': 'unknown',
};

export function mapDomainState(raw: string): MachineState {
  return STATES[raw.trim().toLowerCase()] ?? 'unknown';
}
