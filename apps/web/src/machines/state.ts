import type { MachineAction } from '../api/types';
import type { Tone } from '../ui/Badge';

interface StateLook {
  label: string;
  tone: Tone;
  pulse?: boolean;
  description: string;
}

export const MACHINE_STATES = [
  'running',
  'stopped',
  'pending',
  'rebooting',
  'error',
  'missing',
  'unknown',
  'terminated',
];

const LOOKS: Record<string, StateLook> = {
  running: { label: 'Running', tone: 'success', description: 'Running at the provider.' },
  stopped: { label: 'Stopped', tone: 'neutral', description: 'Stopped; disks are kept.' },
  pending: {
    label: 'Pending',
    tone: 'warning',
    pulse: true,
    description: 'Being created or changing state.',
  },
  rebooting: { label: 'Rebooting', tone: 'warning', pulse: true, description: 'Restarting.' },
  error: { label: 'Error', tone: 'danger', description: 'The provider reports an error for this machine.' },
  missing: {
    label: 'Missing',
    tone: 'danger',
    description: 'The provider no longer lists it; it is marked terminated after the grace period.',
  },
  unknown: { label: 'Unknown', tone: 'muted', description: "The provider's state could not be mapped." },
  terminated: { label: 'Terminated', tone: 'muted', description: 'Destroyed; kept as history.' },
};

export function stateLook(state: string): StateLook {
  return LOOKS[state] ?? { label: state, tone: 'muted', description: '' };
}

/** Whether a stopped machine's provider word says its compute is released and no longer billed. */
const released = (machine: MachineStates, provider: ActionTraits) =>
  machine.state === 'stopped' &&
  machine.rawState !== null &&
  (provider.unbilledStates ?? []).includes(machine.rawState);

/**
 * A machine's look: its state's, except a stopped machine whose compute is released (Azure's
 * "deallocated"), which shows by the provider's own word since it no longer bills.
 */
export function machineLook(machine: MachineStates, provider: ActionTraits): StateLook {
  if (!released(machine, provider)) return stateLook(machine.state);
  const word = machine.rawState!;
  return {
    label: word.charAt(0).toUpperCase() + word.slice(1),
    tone: 'neutral',
    description: 'Stopped with its compute released: only its disks are billed.',
  };
}

/**
 * A stopped machine that still bills its compute, where its provider could release it (a
 * powered-off Azure VM, which deallocate would stop billing).
 */
export function stoppedButBilled(machine: MachineStates, provider: ActionTraits): boolean {
  return (
    machine.state === 'stopped' && (provider.unbilledStates?.length ?? 0) > 0 && !released(machine, provider)
  );
}

export const PENDING_LABEL: Record<MachineAction, string> = {
  start: 'Starting…',
  stop: 'Stopping…',
  reboot: 'Rebooting…',
  destroy: 'Destroying…',
  rename: 'Renaming…',
  pause: 'Pausing…',
  unpause: 'Unpausing…',
  deallocate: 'Deallocating…',
};

export const ACTION_LABEL: Record<MachineAction, string> = {
  start: 'Start',
  stop: 'Stop',
  reboot: 'Reboot',
  destroy: 'Destroy',
  rename: 'Rename',
  pause: 'Pause',
  unpause: 'Unpause',
  deallocate: 'Deallocate',
};

/** What of its provider decides a machine's actions (from the provider's descriptor). */
export interface ActionTraits {
  features: { containers: boolean; extraActions: readonly string[]; rename?: boolean };
  machinesFromConfig?: boolean;
  unbilledStates?: readonly string[];
}

type MachineStates = { state: string; rawState: string | null };

/**
 * Which actions make sense for a machine in its state (the provider has the last word). A
 * container also pauses and unpauses; its engine's word for the state (`rawState`) tells which.
 * A host listed in its cloud's config is never offered Stop: Overcast could not start it again.
 * Where the provider deallocates, a running or still-billed stopped machine is offered it.
 */
export function actionsFor(
  machine: { state: string; rawState: string | null },
  provider: ActionTraits,
): MachineAction[] {
  const actions = byState(machine, provider);
  return provider.features.rename === false ? actions.filter((a) => a !== 'rename') : actions;
}

function byState(
  machine: { state: string; rawState: string | null },
  provider: ActionTraits,
): MachineAction[] {
  const { state, rawState } = machine;
  if (provider.features.containers) {
    const can = (a: MachineAction) => provider.features.extraActions.includes(a);
    if (rawState === 'paused')
      return [...(can('unpause') ? ['unpause' as const] : []), 'stop', 'rename', 'destroy'];
    if (rawState === 'running')
      return ['stop', 'reboot', ...(can('pause') ? ['pause' as const] : []), 'rename', 'destroy'];
    if (rawState === 'created' || rawState === 'exited') return ['start', 'rename', 'destroy'];
  }
  if (provider.machinesFromConfig) {
    return state === 'running' ? ['reboot', 'rename', 'destroy'] : ['rename', 'destroy'];
  }
  const deallocate = (): MachineAction[] =>
    provider.features.extraActions.includes('deallocate') && !released(machine, provider)
      ? ['deallocate']
      : [];
  switch (state) {
    case 'running':
      return ['stop', ...deallocate(), 'reboot', 'rename', 'destroy'];
    case 'stopped':
      return ['start', ...deallocate(), 'rename', 'destroy'];
    case 'terminated':
    case 'missing':
      return [];
    default:
      return ['start', 'stop', 'reboot', 'rename', 'destroy'];
  }
}
