import type { ProviderKind } from '@overcast/contracts';
import { findProviderModule } from '@overcast/providers/registry';
import awsEbs from './prices/aws-ebs.json' with { type: 'json' };
import awsPrices from './prices/aws-ec2.json' with { type: 'json' };
import doVolumes from './prices/digitalocean-volumes.json' with { type: 'json' };
import gcePrices from './prices/gce.json' with { type: 'json' };
import gceDisks from './prices/gce-disk.json' with { type: 'json' };

// The shipped price tables (see prices/README.md for where each comes from) and the one
// look-up every price goes through.

interface PriceTable {
  currency: string;
  /** Region -> item -> price. */
  regions?: Record<string, Record<string, number>>;
  /** Item -> price, the same everywhere. */
  everyRegion?: Record<string, number>;
}

export type PriceKind = 'compute' | 'storage';

const TABLES: Record<PriceKind, Partial<Record<ProviderKind, PriceTable>>> = {
  /** USD per hour of a running instance. */
  compute: { aws: awsPrices, gce: gcePrices },
  /** USD per GB-month of provisioned disk. */
  storage: { aws: awsEbs, gce: gceDisks, digitalocean: doVolumes },
};

/** A location's pricing region, as its provider's module says (us-east-1a -> us-east-1). */
export function regionOf(provider: ProviderKind, location: string | null): string | null {
  if (!location) return null;
  return findProviderModule(provider)?.regionOf?.(location) ?? location;
}

export type PriceLookup = { price: number; currency: string } | { price: null; reason: string };

/** A price from the shipped tables, or a sentence saying which part is missing. */
export function tablePrice(
  kind: PriceKind,
  provider: ProviderKind,
  item: string,
  location: string | null,
): PriceLookup {
  const table = TABLES[kind][provider];
  const what = kind === 'compute' ? 'size' : 'disk type';
  if (!table)
    return {
      price: null,
      reason: `no ${kind === 'compute' ? 'machine' : 'volume'} prices are shipped for ${findProviderModule(provider)?.label ?? provider}: set a cost_per_month tag or the cloud's cost override`,
    };
  if (table.everyRegion) {
    const price = table.everyRegion[item];
    return price === undefined
      ? { price: null, reason: `no price for ${what} ${item} in the shipped table` }
      : { price, currency: table.currency };
  }
  const region = regionOf(provider, location);
  if (!region) return { price: null, reason: 'the provider reports no location for it' };
  const prices = table.regions?.[region];
  if (!prices) return { price: null, reason: `no prices for region ${region} in the shipped table` };
  const price = prices[item];
  return price === undefined
    ? { price: null, reason: `no price for ${what} ${item} in ${region} in the shipped table` }
    : { price, currency: table.currency };
}
