import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { errorText } from '../api/errors';
import { machineMonitoringQuery, setMachineMonitoring } from '../api/monitoring';
import type { MachineMonitoring } from '../api/types';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { SelectField } from '../ui/Field';
import { TextField } from '../ui/TextField';
import { toast } from '../ui/toast';
import styles from './monitoring.module.css';

type Method = MachineMonitoring['method'];

/** How a machine's metrics are read: over SSH from /proc, or by scraping its node_exporter. */
export function MonitoringMethodForm({
  machineId,
  monitoring,
}: {
  machineId: string;
  monitoring: MachineMonitoring;
}) {
  const queryClient = useQueryClient();
  const [method, setMethod] = useState<Method>(monitoring.method);
  const [url, setUrl] = useState(monitoring.nodeExporterUrl ?? '');
  const save = useMutation({
    mutationFn: () =>
      setMachineMonitoring(machineId, {
        enabled: monitoring.enabled,
        method,
        nodeExporterUrl: method === 'node_exporter' ? url.trim() : null,
      }),
    onSuccess: (m) => {
      queryClient.setQueryData(machineMonitoringQuery(machineId).queryKey, m);
      toast.success(
        m.method === 'node_exporter' ? 'Metrics come from node_exporter' : 'Metrics are read over SSH',
      );
    },
  });
  const changed =
    method !== monitoring.method ||
    (method === 'node_exporter' && url.trim() !== (monitoring.nodeExporterUrl ?? ''));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <form className={styles.methodForm} onSubmit={submit} aria-label="How metrics are read">
      <SelectField label="Read metrics" value={method} onChange={(e) => setMethod(e.target.value as Method)}>
        <option value="ssh">Over SSH (from /proc)</option>
        <option value="node_exporter">From node_exporter</option>
      </SelectField>
      {method === 'node_exporter' && (
        <TextField
          label="node_exporter URL"
          type="url"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          placeholder="http://10.0.0.5:9100/metrics"
          required
          maxLength={2048}
        />
      )}
      <Button type="submit" busy={save.isPending} disabled={!changed}>
        Save
      </Button>
      {save.isError && <Alert>{errorText(save.error)}</Alert>}
    </form>
  );
}
