import type { ProviderModule } from '@overcast/contracts';

// The README's provider table, written from the modules' feature lists by `pnpm providers:readme`;
// a test holds README.md to it.

export const TABLE_START = '<!-- providers:start (pnpm providers:readme writes this table) -->';
export const TABLE_END = '<!-- providers:end -->';

const yes = (on: boolean) => (on ? 'yes' : '—');

const PRICING = { provider: "the provider's API", table: 'shipped table', none: '—' } as const;

/** The table, one row per registered provider, in the registry's order. */
export function renderProviderTable(modules: readonly ProviderModule[]): string {
  const rows = modules.map((m) => {
    const f = m.features;
    const shell = { ssh: 'SSH', exec: 'exec', none: '—' }[f.shell];
    const extra = f.extraActions.length ? f.extraActions.join(', ') : '—';
    const networks = f.networks
      ? f.readOnlyNetworks
        ? 'read-only'
        : f.subnets
          ? 'yes, with subnets'
          : 'yes'
      : '—';
    // Most providers' firewalls come with their networks or machines; a few are made here too.
    const firewalls = f.firewalls ? (f.firewallsMade ? 'yes, made and deleted' : 'yes') : '—';
    const consoleKind = f.console === 'none' ? '—' : f.console;
    const cells = [
      m.label,
      `\`${m.kind}\``,
      yes(f.create),
      yes(f.containers),
      yes(f.volumes),
      yes(f.resize),
      yes(f.snapshots),
      yes(f.clone),
      networks,
      firewalls,
      f.dns === 'catalog' ? 'where the catalog has it' : yes(f.dns),
      consoleKind,
      shell,
      extra,
      PRICING[m.pricing],
    ];
    return `| ${cells.join(' | ')} |`;
  });
  return [
    '| Provider | Kind | Create machines | Containers | Volumes | Resize | Snapshots | Clone | Networks | Firewalls | DNS | Console | Shell | Extra actions | Prices from |',
    `|${'---|'.repeat(15)}`,
    ...rows,
  ].join('\n');
}

/** README text with the table between its markers replaced (or an error when the markers are missing). */
export function withProviderTable(readme: string, modules: readonly ProviderModule[]): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${TABLE_START} … ${TABLE_END} markers`);
  return `${readme.slice(0, start + TABLE_START.length)}\n${renderProviderTable(modules)}\n${readme.slice(end)}`;
}
