// Pay-as-you-go prices from Azure's Retail Prices API: public, no sign-in, one call per region
// (paged by NextPageLink), cached for a day. A failure leaves prices unknown; it never fails a
// listing.

import https from 'node:https';
import type { Money } from '@overcast/contracts';
import { decimal } from '../common/json-api';

interface PriceItem {
  armSkuName?: string;
  skuName?: string;
  meterName?: string;
  productName?: string;
  serviceName?: string;
  unitOfMeasure?: string;
  retailPrice?: number;
  currencyCode?: string;
  type?: string;
}

export interface RegionPrices {
  /** VM size -> Linux hourly price. */
  vms: Map<string, Money>;
  /** Disk tier ("P10 LRS", "E4 LRS", "S30 LRS") -> monthly price. */
  disks: Map<string, Money>;
}

const DAY = 24 * 3_600_000;
/** The Retail Prices API answers at most this many pages for one region; more is a loop. */
const MAX_PAGES = 50;

/** Managed disk tiers: the smallest tier at least as large as the disk is what bills. */
const TIERS: Record<string, Array<[string, number]>> = {
  Premium_LRS: [
    ['P1', 4],
    ['P2', 8],
    ['P3', 16],
    ['P4', 32],
    ['P6', 64],
    ['P10', 128],
    ['P15', 256],
    ['P20', 512],
    ['P30', 1024],
    ['P40', 2048],
    ['P50', 4096],
    ['P60', 8192],
    ['P70', 16384],
    ['P80', 32767],
  ],
  StandardSSD_LRS: [
    ['E1', 4],
    ['E2', 8],
    ['E3', 16],
    ['E4', 32],
    ['E6', 64],
    ['E10', 128],
    ['E15', 256],
    ['E20', 512],
    ['E30', 1024],
    ['E40', 2048],
    ['E50', 4096],
    ['E60', 8192],
    ['E70', 16384],
    ['E80', 32767],
  ],
  Standard_LRS: [
    ['S4', 32],
    ['S6', 64],
    ['S10', 128],
    ['S15', 256],
    ['S20', 512],
    ['S30', 1024],
    ['S40', 2048],
    ['S50', 4096],
    ['S60', 8192],
    ['S70', 16384],
    ['S80', 32767],
  ],
};

/** The billing tier of a managed disk ("P10 LRS"), or null for SKUs billed otherwise (Ultra, v2). */
export function diskTier(sku: string | undefined, sizeGb: number): string | null {
  const tiers = sku ? TIERS[sku] : undefined;
  const tier = tiers?.find(([, max]) => sizeGb <= max);
  return tier ? `${tier[0]} LRS` : null;
}

function getJson(url: string, agent: https.Agent, timeoutMs: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = https.get(
      url,
      { agent, headers: { accept: 'application/json' }, timeout: timeoutMs },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > 16 * 1024 * 1024) res.destroy(new Error('answer too large'));
          else chunks.push(c);
        });
        res.on('end', () => {
          if ((res.statusCode ?? 0) >= 400) return reject(new Error(`HTTP ${res.statusCode}`));
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          } catch (err) {
            reject(err);
          }
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/** Linux, pay-as-you-go, not Spot nor Low Priority: what a plain VM bills. */
function isPlainVm(item: PriceItem): boolean {
  const words = `${item.meterName ?? ''} ${item.skuName ?? ''} ${item.productName ?? ''}`;
  return (
    item.serviceName === 'Virtual Machines' &&
    item.type === 'Consumption' &&
    !/Spot|Low Priority|Windows/i.test(words) &&
    /hour/i.test(item.unitOfMeasure ?? '')
  );
}

export class PriceBook {
  private readonly cache = new Map<string, { at: number; prices: Promise<RegionPrices | null> }>();

  constructor(
    private readonly endpoint: string | null,
    private readonly agent: https.Agent,
    private readonly timeoutMs: number,
  ) {}

  /** The region's prices, or null when the API cannot be reached (prices stay unknown). */
  region(location: string): Promise<RegionPrices | null> {
    if (!this.endpoint) return Promise.resolve(null);
    const key = location.toLowerCase();
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < DAY) return hit.prices;
    const prices = this.fetch(key).catch(() => {
      this.cache.delete(key);
      return null;
    });
    this.cache.set(key, { at: Date.now(), prices });
    return prices;
  }

  private async fetch(location: string): Promise<RegionPrices> {
    const out: RegionPrices = { vms: new Map(), disks: new Map() };
    for (const service of ['Virtual Machines', 'Storage']) {
      const single = `armRegionName eq '${location.replaceAll("'", '')}' and priceType eq 'Consumption' and serviceName eq '${service}'`;
      let url: string | null = `${this.endpoint}/api/retail/prices?$filter=${encodeURIComponent(single)}`;
      for (let pages = 0; url && pages < MAX_PAGES; pages++) {
        const body = (await getJson(url, this.agent, this.timeoutMs)) as {
          Items?: PriceItem[];
          NextPageLink?: string | null;
        };
        for (const item of body.Items ?? []) {
          const money = decimal(item.retailPrice, item.currencyCode ?? 'USD');
          if (!money) continue;
          if (isPlainVm(item) && item.armSkuName) out.vms.set(item.armSkuName, money);
          else if (
            /Managed Disks/.test(item.productName ?? '') &&
            /Month/i.test(item.unitOfMeasure ?? '') &&
            item.skuName
          )
            out.disks.set(item.skuName, money);
        }
        url = body.NextPageLink ?? null;
      }
    }
    return out;
  }
}
