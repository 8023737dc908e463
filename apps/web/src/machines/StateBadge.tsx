import { usePendingAction } from '../live/pending';
import { useProviderMeta } from '../providers/meta';
import { Badge } from '../ui/Badge';
import { machineLook, PENDING_LABEL } from './state';

const NONE = { containers: false, extraActions: [] };

/**
 * The machine's state in colour, or the action under way ("Stopping…"); with its provider and
 * raw state, a stopped machine whose compute is released shows as such ("Deallocated").
 */
export function StateBadge({
  machineId,
  state,
  rawState = null,
  provider,
}: {
  machineId: string;
  state: string;
  rawState?: string | null;
  provider?: string;
}) {
  const pending = usePendingAction(machineId);
  const providerMeta = useProviderMeta();
  const look = machineLook({ state, rawState }, provider ? providerMeta(provider) : { features: NONE });
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
