import type { Machine } from '@overcast/db';
import { DomainError } from '../errors';
import { outboundRules } from '../outbound';
import type { CloudRuntime } from '../runtime';
import { connectMachineSsh } from '../ssh-access/open';
import type { MetricValue } from './metrics';
import { scrapeNodeExporter } from './node-exporter';
import { PROC_COMMAND, parseProcOutput } from './procfs';

/** Reads one machine's metrics, over SSH or from its node_exporter; throws a DomainError saying why not. */
export async function gatherMachineMetrics(
  runtime: CloudRuntime,
  machine: Machine,
  timeoutMs: number,
): Promise<MetricValue[]> {
  const signal = AbortSignal.timeout(timeoutMs);
  if (machine.monitoringMethod === 'node_exporter') {
    if (!machine.nodeExporterUrl) {
      throw new DomainError('conflict', 'no_exporter_url', `${machine.name} has no node_exporter URL set.`);
    }
    return scrapeNodeExporter(machine.nodeExporterUrl, signal, outboundRules(runtime.settings));
  }
  const conn = await connectMachineSsh(runtime, machine, {
    signal,
    connectTimeoutMs: timeoutMs,
  });
  try {
    const result = await conn.exec(PROC_COMMAND, { timeoutMs, signal, maxOutputBytes: 1024 * 1024 });
    if (result.timedOut) {
      throw new DomainError(
        'provider_timeout',
        'metrics_timeout',
        `Reading /proc on ${machine.name} timed out.`,
      );
    }
    const values = parseProcOutput(result.stdout);
    if (values.length === 0) {
      throw new DomainError(
        'provider_failed',
        'metrics_unreadable',
        `${machine.name} gave no readable metrics (is it Linux with /proc?): ${result.stderr.slice(0, 200)}`,
      );
    }
    return values;
  } finally {
    await conn.close().catch(() => {});
  }
}
