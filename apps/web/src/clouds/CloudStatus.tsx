import type { Cloud } from '../api/types';
import { Badge } from '../ui/Badge';

/** A cloud's health: disabled, waiting for its first sync, syncing, healthy or failing. */
export function CloudStatus({ cloud }: { cloud: Cloud }) {
  if (!cloud.enabled) {
    return (
      <Badge tone="muted" title="Not polled; its machines keep their last known state.">
        Disabled
      </Badge>
    );
  }
  switch (cloud.pollStatus) {
    case 'pending':
      return (
        <Badge tone="warning" dot="pulse" title="The first sync is queued.">
          First sync…
        </Badge>
      );
    case 'polling':
      return (
        <Badge tone="info" dot="pulse" title="Reading machines now.">
          Syncing
        </Badge>
      );
    case 'error':
      return (
        <Badge tone="danger" dot title={cloud.lastError ?? undefined}>
          Error
        </Badge>
      );
    default:
      return (
        <Badge tone="success" dot title="The last sync succeeded.">
          Healthy
        </Badge>
      );
  }
}
