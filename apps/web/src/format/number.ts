const money = new Map<string, Intl.NumberFormat>();
const count = new Intl.NumberFormat();

function moneyFormat(currency: string, compact: boolean): Intl.NumberFormat {
  const key = `${currency}:${compact}`;
  let format = money.get(key);
  if (!format) {
    try {
      format = new Intl.NumberFormat(undefined, {
        style: 'currency',
        currency,
        ...(compact ? { notation: 'compact', maximumFractionDigits: 1 } : {}),
      });
    } catch {
      format = new Intl.NumberFormat(undefined, { style: 'currency', currency: 'USD' });
    }
    money.set(key, format);
  }
  return format;
}

/** Amounts arrive as decimal strings ("12.50"); null means the cost is unknown. */
export function formatMoney(
  amount: string | number | null | undefined,
  currency = 'USD',
  { compact = false } = {},
): string {
  if (amount === null || amount === undefined || amount === '') return '—';
  const value = typeof amount === 'number' ? amount : Number(amount);
  if (!Number.isFinite(value)) return '—';
  return moneyFormat(currency, compact && Math.abs(value) >= 10_000).format(value);
}

export function formatCount(value: number): string {
  return count.format(value);
}

/** "1 machine", "3 machines". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

export function formatMemory(mb: number | null): string {
  if (mb === null) return '—';
  if (mb < 1024) return `${mb} MB`;
  const gb = mb / 1024;
  return `${Number.isInteger(gb) ? gb : gb.toFixed(1)} GB`;
}
