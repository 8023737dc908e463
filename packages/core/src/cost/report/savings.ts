import type { CostSavings } from '@overcast/contracts';
import type { Database } from '@overcast/db';
import type { Principal } from '../../authz';
import { IDLE_CPU_PERCENT, IDLE_WINDOW_HOURS, idleMachines } from '../../monitoring/fleet';
import { machineCost } from '../compute';

const cents = (n: number | null) => Math.round((n ?? 0) * 100);
const money = (c: number) => (c / 100).toFixed(2);

/**
 * What stopping the idle machines (as the Monitoring page finds them) saves a month. A machine
 * saves its cost only if its price when stopped is nothing: machineCost says so per provider (a
 * stopped EC2 instance bills only its disks, a powered-off droplet bills in full) and for a cost
 * set by tag; the others are listed apart, since only resizing or destroying them saves money.
 */
export async function costSavings(
  db: Database,
  organizationId: string,
  caller?: Principal,
): Promise<CostSavings> {
  const idle = (await idleMachines(db, organizationId, caller)).filter((m) => cents(m.costMonthly) > 0);
  const view = (m: (typeof idle)[number]) => ({
    machineId: m.machineId,
    name: m.name,
    cloudId: m.cloudId,
    cloudTitle: m.cloudTitle,
    cpu: m.cpu,
    monthly: money(cents(m.costMonthly)),
  });
  const savesAll = (m: (typeof idle)[number]) =>
    machineCost({ provider: m.provider, size: null, location: null, state: 'stopped', tags: m.tags })
      .source === 'stopped';
  const stoppable = idle.filter(savesAll);
  return {
    currency: 'USD',
    idleCpuPercent: IDLE_CPU_PERCENT,
    windowHours: IDLE_WINDOW_HOURS,
    monthly: money(stoppable.reduce((sum, m) => sum + cents(m.costMonthly), 0)),
    machines: stoppable.map(view),
    billedWhenStopped: idle.filter((m) => !savesAll(m)).map(view),
  };
}
