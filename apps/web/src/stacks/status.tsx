import { Badge, type Tone } from '../ui/Badge';

const TONES: Record<string, Tone> = {
  deployed: 'success',
  ready: 'success',
  succeeded: 'success',
  created: 'info',
  deploying: 'info',
  creating: 'info',
  running: 'info',
  destroying: 'warning',
  pending: 'warning',
  waiting: 'muted',
  destroyed: 'muted',
  rejected: 'danger',
  failed: 'danger',
};

/** Words people read for a state, where the stored word is not the plainest. */
const LABELS: Record<string, string> = { deployed: 'complete' };

/** A stack's, machine's, step's or request's state in words, coloured by how it is going. */
export function StatusBadge({ status }: { status: string }) {
  const busy = ['deploying', 'creating', 'running', 'destroying'].includes(status);
  return (
    <Badge tone={TONES[status] ?? 'neutral'} dot={busy ? 'pulse' : false}>
      <span data-status={status}>{LABELS[status] ?? status}</span>
    </Badge>
  );
}
