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

export const PENDING_LABEL: Record<MachineAction, string> = {
  start: 'Starting…',
  stop: 'Stopping…',
  reboot: 'Rebooting…',
  destroy: 'Destroying…',
  rename: 'Renaming…',
  pause: 'Pausing…',
  unpause: 'Unpausing…',
};

export const ACTION_LABEL: Record<MachineAction, string> = {
  start: 'Start',
  stop: 'Stop',
  reboot: 'Reboot',
  destroy: 'Destroy',
  rename: 'Rename',
  pause: 'Pause',
  unpause: 'Unpause',
};

/** What of its provider decides a machine's actions (from the provider's descriptor). */
export interface ActionTraits {
  features: { containers: boolean; extraActions: readonly string[] };
  machinesFromConfig?: boolean;
}

/**
 * Which actions make sense for a machine in its state (the provider has the last word). A
 * container also pauses and unpauses; its engine's word for the state (`rawState`) tells which.
 * A host listed in its cloud's config is never offered Stop: Overcast could not start it again.
 */
export function actionsFor(
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
  switch (state) {
    case 'running':
      return ['stop', 'reboot', 'rename', 'destroy'];
    case 'stopped':
      return ['start', 'rename', 'destroy'];
    case 'terminated':
    case 'missing':
      return [];
    default:
      return ['start', 'stop', 'reboot', 'rename', 'destroy'];
  }
}
