import { usePendingAction } from '../live/pending';
import { Badge } from '../ui/Badge';
import { PENDING_LABEL, stateLook } from './state';

/** The machine's state in colour, or the action under way ("Stopping…"). */
export function StateBadge({ machineId, state }: { machineId: string; state: string }) {
  const pending = usePendingAction(machineId);
  const look = stateLook(state);
  if (pending && pending.action !== 'rename') {
    return (
      <Badge tone="info" dot="pulse" title={`${look.label}; ${PENDING_LABEL[pending.action].toLowerCase()}`}>
        {PENDING_LABEL[pending.action]}
      </Badge>
    );
  }
  return (
    <Badge tone={look.tone} dot={look.pulse ? 'pulse' : true} title={look.description}>
      {look.label}
    </Badge>
  );
}
