import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { PROVIDER_KINDS, PROVIDER_MODULES, PROVIDER_REGISTRY } from '../src/registry';

const SRC = resolve(import.meta.dirname, '../src');

/** The bare specifiers a file pulls in at import time, following its relative static imports. */
function staticImports(file: string, seen = new Set<string>()): Set<string> {
  const bare = new Set<string>();
  if (seen.has(file)) return bare;
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  // Static imports and re-exports only: `import('...')` is what loads a driver on first use.
  for (const m of text.matchAll(/^(?:import|export)\s(?!type\b)[^;]*?from\s+'([^']+)'/gms)) {
    const spec = m[1] as string;
    if (spec.startsWith('.')) {
      for (const inner of staticImports(`${resolve(dirname(file), spec)}.ts`, seen)) bare.add(inner);
    } else bare.add(spec);
  }
  return bare;
}

describe('the provider registry', () => {
  it('loads no SDK when imported: only the contracts, TypeBox and node itself', () => {
    const loaded = [...staticImports(resolve(SRC, 'registry.ts'))];
    expect(loaded.filter((s) => !/^(@overcast\/contracts|@sinclair\/typebox|node:)/.test(s))).toEqual([]);
  });

  it('lists each kind once, lowercase, with a driver that loads', async () => {
    expect(new Set(PROVIDER_KINDS).size).toBe(PROVIDER_KINDS.length);
    for (const kind of PROVIDER_KINDS) expect(kind).toMatch(/^[a-z0-9_]+$/);
    const hetzner = PROVIDER_REGISTRY.find((p) => p.module.kind === 'hetzner');
    expect(typeof (await hetzner?.driver())).toBe('function');
  });

  it("gives every field of every form a label and a widget the web draws, and each module's checks their say", () => {
    const widgets = [
      'text',
      'secret',
      'textarea',
      'file',
      'number',
      'checkbox',
      'select',
      'list',
      'machine',
      'orgKey',
      'group',
    ];
    for (const m of PROVIDER_MODULES) {
      for (const schema of [m.credentials, m.config]) {
        for (const [name, field] of Object.entries(schema.properties)) {
          const ui = (field as { ui?: { widget?: string; label?: string } }).ui;
          expect(ui?.label, `${m.kind} ${name}`).toBeTruthy();
          if (ui?.widget) expect(widgets).toContain(ui.widget);
        }
      }
      // A container host offers the container actions it names; a create needs something to create.
      if (m.features.containers) expect(m.features.shell).toBe('exec');
    }
  });

  it('validates credentials with each module: a token provider wants its token', () => {
    for (const kind of ['digitalocean', 'hetzner', 'linode', 'vultr']) {
      const m = PROVIDER_MODULES.find((x) => x.kind === kind);
      expect(m && Value.Check(m.credentials, { token: 't' })).toBe(true);
      expect(m && Value.Check(m.credentials, {})).toBe(false);
    }
  });
});
