import { Link } from 'react-router-dom';
import type { Machine } from '../api/types';
import { ButtonLink } from '../ui/Button';
import { Card } from '../ui/Card';
import { TerminalIcon } from '../ui/icons';
import layout from '../ui/layout.module.css';
import styles from './MachineDetailPage.module.css';

interface PortView {
  privatePort: number;
  publicPort: number | null;
  ip: string | null;
  type: string;
}

interface ContainerExtra {
  host?: string;
  command?: string;
  ports?: PortView[];
  networks?: Record<string, { ip: string | null }>;
  mounts?: { type: string; name: string | null; source: string; destination: string }[];
}

const portText = (p: PortView) =>
  p.publicPort
    ? `${p.ip && p.ip !== '0.0.0.0' ? `${p.ip}:` : ''}${p.publicPort} → ${p.privatePort}/${p.type}`
    : `${p.privatePort}/${p.type}`;

/**
 * A container's side card: where it runs, its ports, networks and mounts, and the shell
 * (through the engine's exec, so no SSH key or address is involved).
 */
export function ContainerCard({
  machine: m,
  extra: raw,
  canOpen,
}: {
  machine: Machine;
  extra: Record<string, unknown>;
  canOpen: boolean;
}) {
  const extra = raw as ContainerExtra;
  const running = m.rawState === 'running';
  return (
    <Card
      title="Container"
      actions={
        canOpen && running ? (
          <ButtonLink to={`/machines/${m.id}/terminal`} size="sm" variant="primary" icon={<TerminalIcon />}>
            Open terminal
          </ButtonLink>
        ) : undefined
      }
    >
      <dl className={styles.containerFacts}>
        <dt>Engine</dt>
        <dd>
          <Link to={`/machines?cloud=${m.cloudId}`}>{m.cloudTitle}</Link>
          {extra.host ? <span className={layout.note}> ({extra.host})</span> : null}
        </dd>
        {extra.command && (
          <>
            <dt>Command</dt>
            <dd>
              <code>{extra.command}</code>
            </dd>
          </>
        )}
        <dt>Ports</dt>
        <dd>{extra.ports?.length ? extra.ports.map(portText).join(', ') : 'none'}</dd>
        <dt>Networks</dt>
        <dd>
          {Object.entries(extra.networks ?? {})
            .map(([name, n]) => (n.ip ? `${name} ${n.ip}` : name))
            .join(', ') || 'none'}
        </dd>
        {extra.mounts && extra.mounts.length > 0 && (
          <>
            <dt>Mounts</dt>
            <dd>{extra.mounts.map((x) => `${x.name ?? x.source} → ${x.destination}`).join(', ')}</dd>
          </>
        )}
      </dl>
      <p className={layout.note}>
        {running
          ? 'The terminal opens a shell inside the container through the engine (docker exec).'
          : 'Start the container to open a shell inside it.'}
      </p>
    </Card>
  );
}
