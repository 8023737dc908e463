import type { Machine } from '@overcast/contracts';

/** Columns every machine view selects; `m` is machines, `c` is clouds. */
export const MACHINE_VIEW_COLUMNS = `
  m.id, m.cloud_id, c.title AS cloud_title, c.provider::text AS provider, m.external_id, m.name, m.state::text AS state,
  m.raw_state, m.size, m.image, m.location, m.public_ips, m.private_ips, m.provider_tags,
  coalesce((SELECT jsonb_object_agg(t.key, t.value) FROM tags t
            WHERE t.resource_kind = 'machine' AND t.resource_id = m.id), '{}'::jsonb) AS user_tags,
  m.launched_at, m.cost_monthly::text AS cost_monthly, m.cost_hourly::text AS cost_hourly, m.cost_currency,
  m.cost_source, m.price_unknown_reason, m.missing_since, m.updated_at`;

export interface MachineRow {
  id: string;
  cloud_id: string;
  cloud_title: string;
  provider: string;
  external_id: string;
  name: string;
  state: string;
  raw_state: string;
  size: string | null;
  image: string | null;
  location: string | null;
  public_ips: string[];
  private_ips: string[];
  provider_tags: Record<string, string>;
  user_tags: Record<string, string>;
  launched_at: Date | null;
  cost_monthly: string | null;
  cost_hourly: string | null;
  cost_currency: string;
  cost_source: string | null;
  price_unknown_reason: string | null;
  missing_since: Date | null;
  updated_at: Date;
}

const trimDecimal = (v: string | null) => (v === null ? null : Number(v).toFixed(2));

export function toMachine(r: MachineRow): Machine {
  return {
    id: r.id,
    cloudId: r.cloud_id,
    cloudTitle: r.cloud_title,
    provider: r.provider,
    externalId: r.external_id,
    name: r.name,
    state: r.state,
    rawState: r.raw_state,
    size: r.size,
    image: r.image,
    location: r.location,
    publicIps: r.public_ips,
    privateIps: r.private_ips,
    tags: { ...stringify(r.provider_tags), ...r.user_tags },
    launchedAt: r.launched_at?.toISOString() ?? null,
    costMonthly: trimDecimal(r.cost_monthly),
    costHourly: r.cost_hourly === null ? null : Number(r.cost_hourly).toFixed(4),
    costCurrency: r.cost_currency,
    costSource: r.cost_source,
    priceUnknownReason: r.price_unknown_reason,
    missingSince: r.missing_since?.toISOString() ?? null,
    updatedAt: r.updated_at.toISOString(),
  };
}

function stringify(tags: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(tags ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
  );
}
