import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { machineDetailQuery } from '../../api/machines';
import type { Cloud, Machine } from '../../api/types';
import { useProviderMeta } from '../../providers/meta';
import { Button, ButtonLink } from '../../ui/Button';
import { Card } from '../../ui/Card';
import { CheckIcon } from '../../ui/icons';
import layout from '../../ui/layout.module.css';
import { Spinner } from '../../ui/Spinner';
import styles from '../CreateMachinePage.module.css';

/** Follows the new machine until it runs; every step comes from the live stream. */
export function CreationProgress({
  machine,
  cloud,
  onAnother,
}: {
  machine: Machine;
  cloud: Cloud;
  onAnother: () => void;
}) {
  const providerMeta = useProviderMeta();
  const detail = useQuery({
    ...machineDetailQuery(machine.id),
    // The stream refreshes it on every change; this is only a safety net.
    refetchInterval: (q) => (q.state.data?.machine.state === 'running' ? false : 5000),
  });
  const current = detail.data?.machine ?? machine;
  const state = current.state;
  const running = state === 'running';
  const failed = state === 'error' || state === 'terminated' || state === 'missing';
  const provider = providerMeta(cloud.provider).label;
  const started = useRef(Date.now());
  const [elapsed, setElapsed] = useState(0);
  useEffect(() => {
    if (running || failed) return;
    const timer = setInterval(() => setElapsed(Math.round((Date.now() - started.current) / 1000)), 1000);
    return () => clearInterval(timer);
  }, [running, failed]);

  const steps = [
    { label: `${provider} accepted the request`, done: true },
    { label: running ? 'Booted' : `Booting (${state})`, done: running, active: !running && !failed },
    {
      label: running ? `Running${current.publicIps[0] ? ` at ${current.publicIps[0]}` : ''}` : 'Running',
      done: running,
    },
  ];

  return (
    <Card title={current.name} meta={`${cloud.title} · ${current.location ?? ''}`}>
      <div className={layout.stack}>
        <ol className={styles.progressSteps}>
          {steps.map((step) => (
            <li
              key={step.label}
              className={step.done ? styles.stepDone : step.active ? styles.stepActive : layout.muted}
            >
              <span className={styles.stepIcon} aria-hidden="true">
                {step.done ? <CheckIcon /> : step.active ? <Spinner size="sm" /> : null}
              </span>
              {step.label}
            </li>
          ))}
        </ol>
        <p className={styles.progressNote} role="status">
          {running
            ? `${current.name} is running.`
            : failed
              ? `${current.name} is ${state}. ${provider} may have rejected it after accepting the request; open the machine to see its history.`
              : `Waiting for ${provider} to boot it… ${elapsed > 0 ? `${elapsed} s` : ''}`}
        </p>
        <div className={styles.progressActions}>
          <ButtonLink to={`/machines/${machine.id}`} variant={running ? 'primary' : 'secondary'}>
            Open {current.name}
          </ButtonLink>
          <Button onClick={onAnother}>Create another</Button>
          <Link to="/machines" className={styles.link}>
            Back to Machines
          </Link>
        </div>
      </div>
    </Card>
  );
}
