import type { Money, ProviderKind } from '@overcast/contracts';
import awsPrices from './prices/aws-ec2.json' with { type: 'json' };
import gcePrices from './prices/gce.json' with { type: 'json' };

/** Average hours in a month; both AWS and Google convert hourly prices with it. */
export const HOURS_PER_MONTH = 730;

/** The tag that sets a machine's monthly cost by hand; it wins over everything else. */
export const COST_TAG = 'cost_per_month';

export type CostSource = 'tag' | 'override' | 'provider' | 'table';

export interface MachineCost {
  hourly: string;
  monthly: string;
  currency: string;
  source: CostSource;
}

interface PriceTable {
  currency: string;
  regions: Record<string, Record<string, number>>;
}

const TABLES: Partial<Record<ProviderKind, PriceTable>> = { aws: awsPrices, gce: gcePrices };

/** us-east-1a -> us-east-1 (AWS zone), us-central1-a -> us-central1 (GCE zone). */
export function regionOf(provider: ProviderKind, location: string | null): string | null {
  if (!location) return null;
  if (provider === 'aws')
    return /^[a-z]{2}(-[a-z]+)+-\d+[a-z]$/.test(location) ? location.slice(0, -1) : location;
  if (provider === 'gce') return /^[a-z]+-[a-z]+\d+-[a-z]$/.test(location) ? location.slice(0, -2) : location;
  return location;
}

const fixed = (n: number, digits: number) => n.toFixed(digits);

function fromMonthly(monthly: number, currency: string, source: CostSource): MachineCost {
  return { monthly: fixed(monthly, 4), hourly: fixed(monthly / HOURS_PER_MONTH, 6), currency, source };
}

function fromHourly(hourly: number, currency: string, source: CostSource): MachineCost {
  return { hourly: fixed(hourly, 6), monthly: fixed(hourly * HOURS_PER_MONTH, 4), currency, source };
}

/** Parses "25", "25.50", "$25", "25 USD"; anything else is not a cost. */
export function parseCostTag(value: string | undefined): number | null {
  if (value === undefined) return null;
  const m = /^\s*\$?\s*(\d+(?:\.\d+)?)\s*(?:usd)?\s*$/i.exec(value);
  return m ? Number(m[1]) : null;
}

export interface CostInput {
  provider: ProviderKind;
  size: string | null;
  location: string | null;
  /** Provider tags and user tags, user tags winning. */
  tags: Record<string, string>;
  providerMonthly?: Money;
  providerHourly?: Money;
  /** Per-cloud monthly override, a decimal string. */
  cloudOverrideMonthly?: string | null;
}

/** A machine's cost: its cost_per_month tag, else the cloud's override, else the provider's price, else our table. */
export function machineCost(input: CostInput): MachineCost | null {
  const tagged = parseCostTag(input.tags[COST_TAG]);
  if (tagged !== null) return fromMonthly(tagged, 'USD', 'tag');
  if (input.cloudOverrideMonthly != null)
    return fromMonthly(Number(input.cloudOverrideMonthly), 'USD', 'override');
  if (input.providerMonthly)
    return fromMonthly(Number(input.providerMonthly.amount), input.providerMonthly.currency, 'provider');
  if (input.providerHourly)
    return fromHourly(Number(input.providerHourly.amount), input.providerHourly.currency, 'provider');
  const table = TABLES[input.provider];
  const region = regionOf(input.provider, input.location);
  const hourly = table && region && input.size ? table.regions[region]?.[input.size] : undefined;
  return hourly === undefined ? null : fromHourly(hourly, table!.currency, 'table');
}
