import { formatMoney } from '../format/number';
import { stateLook } from './state';

const str = (v: unknown) => (typeof v === 'string' ? v : v === null || v === undefined ? '—' : String(v));
const ips = (v: unknown) => (Array.isArray(v) && v.length ? v.join(', ') : 'none');

/** A sentence for one event in a machine's history or the live feed. */
export function describeEvent(kind: string, data: Record<string, unknown>): string {
  const by = typeof data.by === 'string' ? ` by ${data.by}` : '';
  switch (kind) {
    case 'created':
      // Made through Overcast names who made it; otherwise a poll found it, whenever it was made
      // (the Overview's "Created" is the provider's launch time).
      return by ? `Created${by}` : 'First seen by Overcast';
    case 'state_changed':
      return `${stateLook(str(data.from)).label} → ${stateLook(str(data.to)).label}`;
    case 'renamed':
      return `Renamed from ${str(data.from)} to ${str(data.to)}`;
    case 'resized':
      return `Resized from ${str(data.from)} to ${str(data.to)}`;
    case 'ip_changed': {
      const pub = data.public as { from?: unknown; to?: unknown } | undefined;
      const priv = data.private as { from?: unknown; to?: unknown } | undefined;
      const parts = [];
      if (pub && ips(pub.from) !== ips(pub.to)) parts.push(`public ${ips(pub.from)} → ${ips(pub.to)}`);
      if (priv && ips(priv.from) !== ips(priv.to)) parts.push(`private ${ips(priv.from)} → ${ips(priv.to)}`);
      return `IP addresses changed${parts.length ? `: ${parts.join('; ')}` : ''}`;
    }
    case 'cost_changed':
      return `Monthly cost ${formatMoney(data.from as string | null)} → ${formatMoney(data.to as string | null)}`;
    case 'missing':
      return 'No longer listed by the provider';
    case 'returned':
      return 'Listed by the provider again';
    case 'terminated':
      return typeof data.reason === 'string' ? `Terminated (${data.reason})` : 'Terminated';
    case 'updated':
      return 'Details updated';
    case 'action': {
      const action = str(data.action);
      if (action === 'rename') return `Rename to ${str(data.name)} requested${by}`;
      return `${action.charAt(0).toUpperCase()}${action.slice(1)} requested${by}`;
    }
    case 'snapshot': {
      const verb =
        data.op === 'revert'
          ? 'Reverted to snapshot'
          : data.op === 'delete'
            ? 'Deleted snapshot'
            : 'Snapshot';
      return `${verb} ${str(data.snapshot)}${data.op === 'create' ? ' taken' : ''}${by}`;
    }
    case 'tagged': {
      if (typeof data.removed === 'string') return `Tag ${data.removed} removed${by}`;
      const set =
        data.set && typeof data.set === 'object' ? Object.entries(data.set as Record<string, string>) : [];
      return `Tagged ${set.map(([k, v]) => (v ? `${k}=${v}` : k)).join(', ')}${by}`;
    }
    case 'expiration': {
      const when = (v: unknown) => (typeof v === 'string' ? new Date(v).toLocaleString() : '—');
      if (data.expired) {
        const done = data.action === 'destroy' ? 'Destroyed' : 'Stopped';
        return data.result === 'failed'
          ? `Expired, but could not be ${done.toLowerCase()}: ${str(data.error)}`
          : `${done} at its expiration date`;
      }
      if (data.notified) return `Expiration notice sent (expires ${when(data.expiresAt)})`;
      if (data.cleared) return `Expiration cleared${by}`;
      const set = data.set as { expiresAt?: string; action?: string } | undefined;
      return `Set to ${set?.action === 'destroy' ? 'be destroyed' : 'stop'} at ${when(set?.expiresAt)}${by}`;
    }
    default:
      return kind.replaceAll('_', ' ');
  }
}

/** The tone of an event's marker in a timeline. */
export function eventTone(
  kind: string,
  data: Record<string, unknown>,
): 'success' | 'warning' | 'danger' | 'neutral' | 'info' {
  if (kind === 'state_changed') {
    const tone = stateLook(str(data.to)).tone;
    return tone === 'muted' ? 'neutral' : tone;
  }
  if (kind === 'missing' || kind === 'terminated') return 'danger';
  if (kind === 'created' || kind === 'returned') return 'success';
  if (kind === 'action') return 'info';
  if (kind === 'expiration') return data.expired ? 'warning' : 'info';
  return 'neutral';
}
