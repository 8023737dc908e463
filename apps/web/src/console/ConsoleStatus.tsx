import { Badge } from '../ui/Badge';
import screenCss from '../ui/screen.module.css';

export type ConsoleState = 'connecting' | 'connected' | 'closed';

/** The console's connection state, as a badge the page and its tests read. */
export function ConsoleStatus({ state, label }: { state: ConsoleState; label: string }) {
  return (
    <span className={screenCss.status} role="status" aria-label={label} data-state={state}>
      {state === 'connecting' && (
        <Badge tone="info" dot="pulse">
          Connecting…
        </Badge>
      )}
      {state === 'connected' && (
        <Badge tone="success" dot>
          Connected
        </Badge>
      )}
      {state === 'closed' && (
        <Badge tone="muted" dot>
          Closed
        </Badge>
      )}
    </span>
  );
}
