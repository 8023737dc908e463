import type { MachineState, Money, ProviderKind } from '@overcast/contracts';
import { findProviderModule } from '@overcast/providers/registry';
import { type PriceLookup, tablePrice } from './tables';

/** Average hours in a month; both AWS and Google convert hourly prices with it. */
export const HOURS_PER_MONTH = 730;

/** The tag that sets a machine's monthly cost by hand; it wins over everything else. */
export const COST_TAG = 'cost_per_month';

export type CostSource = 'tag' | 'override' | 'provider' | 'table' | 'stopped';

/** A machine's price, or why it has none (`monthly` null and `unknownReason` set). */
export interface MachineCost {
  hourly: string | null;
  monthly: string | null;
  currency: string;
  source: CostSource | null;
  unknownReason: string | null;
}

export { regionOf } from './tables';

const fixed = (n: number, digits: number) => n.toFixed(digits);

function fromMonthly(monthly: number, currency: string, source: CostSource): MachineCost {
  return {
    monthly: fixed(monthly, 4),
    hourly: fixed(monthly / HOURS_PER_MONTH, 6),
    currency,
    source,
    unknownReason: null,
  };
}

function fromHourly(hourly: number, currency: string, source: CostSource): MachineCost {
  return {
    hourly: fixed(hourly, 6),
    monthly: fixed(hourly * HOURS_PER_MONTH, 4),
    currency,
    source,
    unknownReason: null,
  };
}

const unknown = (reason: string): MachineCost => ({
  hourly: null,
  monthly: null,
  currency: 'USD',
  source: null,
  unknownReason: reason,
});

/** Parses "25", "25.50", "$25", "25 USD"; anything else is not a cost. */
export function parseCostTag(value: string | undefined): number | null {
  if (value === undefined) return null;
  const m = /^\s*\$?\s*(\d+(?:\.\d+)?)\s*(?:usd)?\s*$/i.exec(value);
  return m ? Number(m[1]) : null;
}

/**
 * Whether a stopped machine still bills compute: EC2 and Compute Engine charge only the disks
 * (their modules say so), a powered-off DigitalOcean droplet keeps its resources and bills in full.
 */
export function billsWhileStopped(provider: ProviderKind): boolean {
  return findProviderModule(provider)?.billsStoppedMachines ?? true;
}

/**
 * Whether a stopped machine bills no compute: its provider's stopped machines never do, or its
 * provider's word for its state says the compute is released (Azure's deallocated, where a VM
 * merely powered off bills in full).
 */
function stoppedUnbilled(provider: ProviderKind, rawState: string | null | undefined): boolean {
  if (!billsWhileStopped(provider)) return true;
  return rawState != null && (findProviderModule(provider)?.unbilledStates?.includes(rawState) ?? false);
}

export interface CostInput {
  provider: ProviderKind;
  size: string | null;
  location: string | null;
  /** Unknown states are priced as running: a guess low is worse than one high. */
  state?: MachineState | 'missing';
  /** The provider's word for the state, which may say a stopped machine's compute is released. */
  rawState?: string | null;
  /** Provider tags and user tags, user tags winning. */
  tags: Record<string, string>;
  providerMonthly?: Money;
  providerHourly?: Money;
  /** Per-cloud monthly override, a decimal string. */
  cloudOverrideMonthly?: string | null;
}

/**
 * A machine's cost: its cost_per_month tag, else nothing for a stopped instance of a provider
 * that bills no compute then (or a deallocated one), else the cloud's override, else the
 * provider's price, else the shipped table; when none applies, the reason why.
 */
export function machineCost(input: CostInput): MachineCost {
  const tagged = parseCostTag(input.tags[COST_TAG]);
  if (tagged !== null) return fromMonthly(tagged, 'USD', 'tag');
  if (input.state === 'stopped' && stoppedUnbilled(input.provider, input.rawState))
    return fromMonthly(0, 'USD', 'stopped');
  if (input.cloudOverrideMonthly != null)
    return fromMonthly(Number(input.cloudOverrideMonthly), 'USD', 'override');
  if (input.providerMonthly)
    return fromMonthly(Number(input.providerMonthly.amount), input.providerMonthly.currency, 'provider');
  if (input.providerHourly)
    return fromHourly(Number(input.providerHourly.amount), input.providerHourly.currency, 'provider');
  const price = sizePrice(input.provider, input.size, input.location);
  return price.price === null ? unknown(price.reason) : fromHourly(price.price, price.currency, 'table');
}

/** The shipped hourly price of a size in a location (zone or region), or why there is none. */
export function sizePrice(provider: ProviderKind, size: string | null, location: string | null): PriceLookup {
  if (!size) return { price: null, reason: 'the provider reports no size for this machine' };
  return tablePrice('compute', provider, size, location);
}

export interface VolumeCost {
  monthly: string | null;
  currency: string;
  source: 'provider' | 'table' | null;
  unknownReason: string | null;
}

export interface VolumeCostInput {
  provider: ProviderKind;
  location: string | null;
  sizeGb: number;
  /** The provider's disk type (gp3, pd-balanced...); DigitalOcean has one kind. */
  type: string | null;
  providerMonthly?: Money;
}

/** A volume's monthly cost: the provider's price, else size × the shipped per-GB price of its type in its region. */
export function volumeCost(input: VolumeCostInput): VolumeCost {
  if (input.providerMonthly)
    return {
      monthly: fixed(Number(input.providerMonthly.amount), 4),
      currency: input.providerMonthly.currency,
      source: 'provider',
      unknownReason: null,
    };
  const perGb = tablePrice('storage', input.provider, input.type ?? 'volume', input.location);
  if (perGb.price === null)
    return { monthly: null, currency: 'USD', source: null, unknownReason: perGb.reason };
  return {
    monthly: fixed(perGb.price * input.sizeGb, 4),
    currency: perGb.currency,
    source: 'table',
    unknownReason: null,
  };
}
