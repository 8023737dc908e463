import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { startScriptRun } from '../api/automation';
import { errorText } from '../api/errors';
import type { Script, TargetSelector } from '../api/types';
import { plural } from '../format/number';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { Dialog } from '../ui/Dialog';
import layout from '../ui/layout.module.css';
import { TextField } from '../ui/TextField';
import { NumberField } from '../ui/ValueFields';
import { RunOutput } from './RunOutput';
import { describeTargets, TargetPicker } from './TargetPicker';

/** Pick machines and parameters, start the run, then watch each machine's output live. */
export function RunDialog({ script, onClose }: { script: Script; onClose: () => void }) {
  const [targets, setTargets] = useState<TargetSelector>({});
  const [params, setParams] = useState<Record<string, string>>(() =>
    Object.fromEntries(script.parameters.map((p) => [p.name, p.default ?? ''])),
  );
  const [timeout, setTimeoutSeconds] = useState('');
  const start = useMutation({
    mutationFn: () =>
      startScriptRun(script.id, {
        targets,
        params: Object.fromEntries(
          Object.entries(params).filter(
            ([name, v]) => v !== '' || script.parameters.find((p) => p.name === name)?.required,
          ),
        ),
        ...(timeout ? { timeoutSeconds: Number(timeout) } : {}),
      }),
  });
  const runId = start.data?.id;
  return (
    <Dialog
      open
      onClose={onClose}
      size="lg"
      title={runId ? `Running ${script.name}` : `Run ${script.name}`}
      description={
        runId
          ? `On ${plural(start.data?.targets ?? 0, 'machine')}. Output appears as it is written.`
          : `Version ${script.version}`
      }
      busy={start.isPending}
      footer={
        runId ? (
          <Button variant="primary" onClick={onClose}>
            Close
          </Button>
        ) : (
          <>
            <Button onClick={onClose} disabled={start.isPending}>
              Cancel
            </Button>
            <Button variant="primary" type="submit" form="run-script-form" busy={start.isPending}>
              Run on {describeTargets(targets)}
            </Button>
          </>
        )
      }
    >
      {runId ? (
        <RunOutput runId={runId} />
      ) : (
        <form
          id="run-script-form"
          className={layout.stack}
          onSubmit={(e) => {
            e.preventDefault();
            start.mutate();
          }}
        >
          {start.isError && <Alert>{errorText(start.error)}</Alert>}
          <TargetPicker value={targets} onChange={setTargets} />
          {script.parameters.map((p) => (
            <TextField
              key={p.name}
              label={p.name}
              aside={p.required ? 'required' : p.description}
              hint={p.required && p.description ? p.description : undefined}
              value={params[p.name] ?? ''}
              required={p.required}
              onChange={(e) => setParams({ ...params, [p.name]: e.target.value })}
            />
          ))}
          <NumberField
            label="Timeout (seconds)"
            aside="optional; the server's limit applies"
            min={1}
            value={timeout}
            onChange={setTimeoutSeconds}
          />
        </form>
      )}
    </Dialog>
  );
}
