import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderProviderTable, withProviderTable } from '../src/readme-table';
import { PROVIDER_MODULES } from '../src/registry';

const README = resolve(import.meta.dirname, '../../../README.md');

describe("README's provider table", () => {
  it('is what `pnpm providers:readme` writes from the modules', () => {
    const readme = readFileSync(README, 'utf8');
    expect(readme).toBe(withProviderTable(readme, PROVIDER_MODULES));
  });

  it('has a row per registered provider, saying what it supports', () => {
    const table = renderProviderTable(PROVIDER_MODULES);
    expect(table.split('\n')).toHaveLength(PROVIDER_MODULES.length + 2);
    expect(table).toContain(
      '| Docker | `docker` | — | yes | yes | — | — | — | yes | — | — | — | exec | pause, unpause | — |',
    );
    expect(table).toContain(
      '| Amazon EC2 | `aws` | yes | — | yes | yes | yes | — | yes, with subnets | yes | yes | serial | SSH | — | shipped table |',
    );
    expect(table).toContain(
      '| KubeVirt | `kubevirt` | yes | — | yes | yes | yes | — | yes | yes, made and deleted | — | — | SSH | — | — |',
    );
  });
});
