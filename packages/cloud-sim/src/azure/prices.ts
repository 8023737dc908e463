// The Retail Prices API (https://prices.azure.com/api/retail/prices): public, unauthenticated,
// filtered by an OData $filter of `field eq 'value'` clauses joined by `and`, paged by NextPageLink.

import type { SimResponse } from '../common/server';
import { DISK_TIERS, LOCATIONS, REGION_FACTOR, SIZES } from './catalog';
import { json } from './errors';

type Item = Record<string, string | number | boolean>;

function items(): Item[] {
  const out: Item[] = [];
  for (const loc of LOCATIONS) {
    const factor = REGION_FACTOR[loc.name] ?? 1;
    for (const size of SIZES) {
      const short = size.name.replace(/^Standard_/, '').replaceAll('_', ' ');
      const base = {
        currencyCode: 'USD',
        tierMinimumUnits: 0,
        armRegionName: loc.name,
        location: loc.displayName,
        effectiveStartDate: '2024-01-01T00:00:00Z',
        meterId: crypto.randomUUID(),
        productId: 'DZH318Z0BQ4L',
        skuId: 'DZH318Z0BQ4L/00TG',
        serviceName: 'Virtual Machines',
        serviceId: 'DZH313Z7MMC8',
        serviceFamily: 'Compute',
        unitOfMeasure: '1 Hour',
        type: 'Consumption',
        isPrimaryMeterRegion: true,
        armSkuName: size.name,
      };
      const price = Math.round(size.hourly * factor * 10_000) / 10_000;
      out.push({
        ...base,
        retailPrice: price,
        unitPrice: price,
        meterName: short,
        productName: `Virtual Machines ${short} Series`,
        skuName: short,
      });
      out.push({
        ...base,
        retailPrice: price * 2,
        unitPrice: price * 2,
        meterName: short,
        productName: `Virtual Machines ${short} Series Windows`,
        skuName: short,
      });
      const spot = Math.round(price * 0.2 * 10_000) / 10_000;
      out.push({
        ...base,
        retailPrice: spot,
        unitPrice: spot,
        meterName: `${short} Spot`,
        productName: `Virtual Machines ${short} Series`,
        skuName: `${short} Spot`,
      });
    }
    for (const { product, tiers } of Object.values(DISK_TIERS)) {
      for (const [tier, , monthly] of tiers) {
        const price = Math.round(monthly * factor * 100) / 100;
        out.push({
          currencyCode: 'USD',
          retailPrice: price,
          unitPrice: price,
          armRegionName: loc.name,
          location: loc.displayName,
          meterName: `${tier} LRS Disk`,
          productName: product,
          skuName: `${tier} LRS`,
          serviceName: 'Storage',
          serviceFamily: 'Storage',
          unitOfMeasure: '1/Month',
          type: 'Consumption',
          armSkuName: '',
        });
      }
    }
  }
  return out;
}

const CATALOG = items();

export function retailPrices(url: URL, pageSize: number): SimResponse {
  const filter = url.searchParams.get('$filter') ?? '';
  const clauses: Array<[string, string]> = [];
  for (const part of filter.split(/\s+and\s+/i).filter(Boolean)) {
    const m = /^\s*(\w+)\s+eq\s+'([^']*)'\s*$/i.exec(part);
    if (!m)
      return json(400, {
        Error: { Code: 'InvalidQueryParameter', Message: `Invalid OData filter '${part}'.` },
      });
    clauses.push([m[1]!, m[2]!]);
  }
  const matching = CATALOG.filter((item) =>
    clauses.every(([k, v]) => {
      const field = Object.keys(item).find((f) => f.toLowerCase() === k.toLowerCase());
      const actual =
        field === 'type' || k.toLowerCase() === 'pricetype' ? item.type : field ? item[field] : undefined;
      return String(actual).toLowerCase() === v.toLowerCase();
    }),
  );
  const skip = Number(url.searchParams.get('$skip') ?? 0) || 0;
  const page = matching.slice(skip, skip + pageSize);
  let next: string | null = null;
  if (skip + pageSize < matching.length) {
    const n = new URL(url);
    n.searchParams.set('$skip', String(skip + pageSize));
    next = n.toString();
  }
  return json(200, {
    BillingCurrency: 'USD',
    CustomerEntityId: 'Default',
    CustomerEntityType: 'Retail',
    Items: page,
    NextPageLink: next,
    Count: page.length,
  });
}
