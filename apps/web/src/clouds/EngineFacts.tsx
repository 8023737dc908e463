import { useQuery } from '@tanstack/react-query';
import { engineFactsQuery } from '../api/containers';
import { plural } from '../format/number';
import styles from './clouds.module.css';

const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GiB`;

/** What a Docker engine says about itself, in one line under the cloud's name. */
export function EngineFactsLine({ cloudId }: { cloudId: string }) {
  const facts = useQuery(engineFactsQuery(cloudId));
  // An unreachable engine is already reported by the cloud's sync status.
  if (!facts.data) return null;
  const f = facts.data;
  return (
    <span className={styles.engineFacts} data-testid="engine-facts">
      Docker {f.version} · {plural(f.cpus, 'CPU')} · {gib(f.memoryBytes)} ·{' '}
      {plural(f.containers.total, 'container')} ({f.containers.running} running
      {f.containers.paused ? `, ${f.containers.paused} paused` : ''}) · {plural(f.images, 'image')}
    </span>
  );
}
