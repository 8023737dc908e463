import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { errorText } from '../api/errors';
import { machineKeys } from '../api/machines';
import { resizeMachine, resizeOptionsQuery } from '../api/snapshots';
import type { ResizeOption } from '../api/types';
import { formatMemory, formatMoney } from '../format/number';
import { Alert } from '../ui/Alert';
import { FormDialog } from '../ui/FormDialog';
import layout from '../ui/layout.module.css';
import { RadioOption } from '../ui/RadioOption';
import { Skeleton } from '../ui/Skeleton';
import { Spinner } from '../ui/Spinner';
import { useResourceMutation } from '../ui/useResourceMutation';
import styles from './SnapshotsCard.module.css';

function difference(option: ResizeOption) {
  if (option.differenceMonthly === null) return <span className={layout.note}>price unknown</span>;
  const d = Number(option.differenceMonthly);
  const text = `${d > 0 ? '+' : d < 0 ? '−' : '±'}${formatMoney(Math.abs(d), option.currency)}/mo`;
  return <span className={d > 0 ? styles.up : d < 0 ? styles.down : undefined}>{text}</span>;
}

const specs = (o: ResizeOption) =>
  [
    o.cpus !== null ? `${o.cpus} vCPU` : null,
    o.memoryMb !== null ? formatMemory(o.memoryMb) : null,
    o.diskGb ? `${o.diskGb} GB disk` : null,
  ]
    .filter(Boolean)
    .join(' · ');

/** Resizes a machine to one of the sizes that fit: same cloud and location, with the new monthly price. */
export function ResizeDialog({
  machine,
  onClose,
}: {
  machine: { id: string; name: string };
  onClose: () => void;
}) {
  const options = useQuery(resizeOptionsQuery(machine.id));
  const [size, setSize] = useState<string | null>(null);
  const resize = useResourceMutation({
    mutationFn: (s: string) => resizeMachine(machine.id, s),
    invalidates: [machineKeys.detail(machine.id), machineKeys.lists()],
    success: (_, s) => `Resized ${machine.name} to ${s}`,
    onSuccess: onClose,
  });
  const data = options.data;
  return (
    <FormDialog
      title={`Resize ${machine.name}`}
      description={
        data ? (
          <>
            Now {data.current.size ?? 'unknown size'}
            {data.current.priceMonthly !== null &&
              ` at ${formatMoney(data.current.priceMonthly, data.current.currency)}/mo`}
            . Sizes of the same location, cheapest first.
          </>
        ) : undefined
      }
      busy={resize.isPending}
      error={resize.error}
      submitLabel="Resize"
      submitDisabled={!size || !data || data.mustStop}
      status={
        resize.isPending ? (
          <span className={layout.muted} role="status">
            <Spinner size="sm" /> Resizing at the provider…
          </span>
        ) : undefined
      }
      onClose={onClose}
      onSubmit={() => size && resize.mutate(size)}
    >
      {options.isError ? (
        <Alert>{errorText(options.error)}</Alert>
      ) : !data ? (
        <Skeleton width="70%" />
      ) : (
        <>
          {data.mustStop && (
            <Alert tone="info">Stop {machine.name} first: the provider resizes only a stopped machine.</Alert>
          )}
          {data.sizes.length === 0 ? (
            <p className={layout.muted}>This location offers no other size.</p>
          ) : (
            <fieldset className={styles.sizes} aria-label="Sizes">
              {data.sizes.map((o) => (
                <RadioOption
                  key={o.externalId}
                  name="size"
                  value={o.externalId}
                  chosen={size === o.externalId}
                  onChoose={() => setSize(o.externalId)}
                  className={styles.size}
                  chosenClassName={styles.chosen}
                >
                  <span className={styles.label}>
                    <strong className={layout.break}>{o.externalId}</strong>{' '}
                    <span className={layout.note}>{specs(o)}</span>
                  </span>
                  <span className={styles.price}>
                    {formatMoney(o.priceMonthly, o.currency)}/mo <br />
                    {difference(o)}
                  </span>
                </RadioOption>
              ))}
            </fieldset>
          )}
        </>
      )}
    </FormDialog>
  );
}
