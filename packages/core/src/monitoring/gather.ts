import type { Database, Machine } from '@overcast/db';
import type { SecretBox, Settings } from '@overcast/runtime';
import { DomainError } from '../errors';
import { outboundRules } from '../outbound';
import { connectMachineSsh } from '../ssh-access/open';
import type { MetricValue } from './metrics';
import { scrapeNodeExporter } from './node-exporter';
import { PROC_COMMAND, parseProcOutput } from './procfs';

export interface GatherDeps {
  db: Database;
  box: SecretBox;
  settings: Pick<Settings, 'outbound'>;
}

/** Reads one machine's metrics, over SSH or from its node_exporter; throws a DomainError saying why not. */
export async function gatherMachineMetrics(
  deps: GatherDeps,
  machine: Machine,
  timeoutMs: number,
): Promise<MetricValue[]> {
  const signal = AbortSignal.timeout(timeoutMs);
  if (machine.monitoringMethod === 'node_exporter') {
    if (!machine.nodeExporterUrl) {
      throw new DomainError('conflict', 'no_exporter_url', `${machine.name} has no node_exporter URL set.`);
    }
    return scrapeNodeExporter(machine.nodeExporterUrl, signal, outboundRules(deps.settings));
  }
  const conn = await connectMachineSsh(deps, machine, {
    outbound: outboundRules(deps.settings),
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
