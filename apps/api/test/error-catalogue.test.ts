import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as contracts from '@overcast/contracts';
import { ERROR_CATALOGUE, ERROR_CODES, type ErrorCode, statusesOf } from '@overcast/contracts';
import { KIND_NOUN } from '@overcast/core/authz';
import { DOMAIN_ERROR_STATUS, type DomainErrorKind } from '@overcast/core/errors';
import { describe, expect, it } from 'vitest';
import { useTestApi } from './support/harness';

// Every code the api can answer with is in the catalogue, with the status it is answered with:
// the sources are read for each DomainError made, each notFound(...) and each error body sent.

const root = join(import.meta.dirname, '../../..');
const SOURCES = ['apps/api/src', 'packages/core/src'];
const CODE = /^'([a-z_]+)'$/;

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts'))
    .map((e) => join(e.parentPath, e.name));
}

/** The code notFound(what) gives: `Script run` -> `script_run_not_found`. */
const notFoundCode = (what: string) => `${what.toLowerCase().replace(/\s+/g, '_')}_not_found`;

/** A code argument that is not a literal: the literals it is built from in the same file. */
function resolveIdentifier(source: string, name: string): string[] | null {
  // const NAME = 'literal' or a ternary of literals: `const code = a ? 'x' : 'y';`
  const assigned = new RegExp(`const ${name}\\s*=\\s*([^;]+);`).exec(source);
  if (assigned) {
    const literals = [...assigned[1]!.matchAll(/'([a-z_]+)'/g)].map((m) => m[1]!);
    if (literals.length > 0) return literals;
  }
  // A helper that passes its parameter on: `const invalid = (code: string, ...) => new DomainError(...)`;
  // its callers name the codes.
  const helper = new RegExp(`const (\\w+) = \\(${name}: string[^)]*\\)\\s*=>\\s*new DomainError`).exec(
    source,
  );
  if (helper)
    return [...source.matchAll(new RegExp(`\\b${helper[1]}\\(\\s*'([a-z_]+)'`, 'g'))].map((m) => m[1]!);
  // A constant shared through contracts (OUTBOUND_REFUSED).
  const shared = (contracts as Record<string, unknown>)[name];
  return typeof shared === 'string' ? [shared] : null;
}

interface Use {
  file: string;
  code: string;
  kind?: DomainErrorKind;
}

function codesInSources(): { uses: Use[]; unresolved: string[] } {
  const uses: Use[] = [];
  const unresolved: string[] = [];
  for (const file of SOURCES.flatMap(sourceFiles)) {
    const source = readFileSync(file, 'utf8');
    const where = file.slice(root.length + 1);
    // new DomainError(kind, code, ...) and subclasses' super(kind, code, ...)
    for (const m of source.matchAll(/(?:new DomainError|super)\(\s*([^,()]+?),\s*([^,]+?),/g)) {
      const kindArg = m[1]!.trim();
      const codeArg = m[2]!.trim();
      if (!CODE.test(kindArg) && m[0].startsWith('super')) continue;
      const kind = CODE.exec(kindArg)?.[1] as DomainErrorKind | undefined;
      const literal = CODE.exec(codeArg)?.[1];
      if (literal) {
        uses.push({ file: where, code: literal, kind });
        continue;
      }
      const ternary = [...codeArg.matchAll(/'([a-z_]+)'/g)].map((t) => t[1]!);
      const resolved =
        ternary.length > 0 ? ternary : /^\w+$/.test(codeArg) ? resolveIdentifier(source, codeArg) : null;
      if (resolved) for (const code of resolved) uses.push({ file: where, code });
      // A copy of another DomainError (`err.code`) carries a code checked where that one was made.
      else if (!/^[`]/.test(codeArg) && codeArg !== 'own' && !/^\w+\.code$/.test(codeArg))
        unresolved.push(`${where}: ${m[0]}`);
    }
    for (const m of source.matchAll(/\bnotFound\(\s*'([^']+)'\s*\)/g))
      uses.push({ file: where, code: notFoundCode(m[1]!), kind: 'not_found' });
    if (/\bnotFound\(\s*KIND_NOUN\[/.test(source))
      for (const noun of Object.values(KIND_NOUN))
        uses.push({ file: where, code: notFoundCode(noun), kind: 'not_found' });
    // Error bodies sent or streamed as they are (WebSocket messages, a container's progress stream).
    for (const m of source.matchAll(/\bcode: '([a-z_]+)'/g)) uses.push({ file: where, code: m[1]! });
  }
  return { uses, unresolved };
}

/** Codes a Docker engine's failures carry through as they are (fromProviderError). */
function dockerCodes(): string[] {
  const source = readFileSync(join(root, 'packages/providers/src/docker/errors.ts'), 'utf8');
  return [...source.matchAll(/\bcode: '([a-z_]+)'/g)].map((m) => m[1]!);
}

describe('the error catalogue', () => {
  const { uses, unresolved } = codesInSources();

  it('can tell every code the sources use', () => {
    expect(uses.length).toBeGreaterThan(100);
    expect(unresolved).toEqual([]);
  });

  it('lists every code thrown or sent in the api and core, and every Docker code passed on', () => {
    const missing = [
      ...uses.filter((u) => !(u.code in ERROR_CATALOGUE)).map((u) => `${u.code} (${u.file})`),
      ...dockerCodes().filter((c) => !(c in ERROR_CATALOGUE)),
    ];
    expect([...new Set(missing)]).toEqual([]);
  });

  it('gives each code the status it is answered with', () => {
    const wrong = uses
      .filter((u) => u.kind && u.code in ERROR_CATALOGUE)
      .filter((u) => !statusesOf(u.code as ErrorCode).includes(DOMAIN_ERROR_STATUS[u.kind!]))
      .map((u) => `${u.code}: ${DOMAIN_ERROR_STATUS[u.kind!]} in ${u.file}`);
    expect(wrong).toEqual([]);
  });

  it('says what each code means, in one line', () => {
    for (const code of ERROR_CODES) {
      expect(ERROR_CATALOGUE[code].meaning, code).toMatch(/^\S.{10,}\.$/);
      expect(ERROR_CATALOGUE[code].meaning, code).not.toContain('\n');
    }
  });
});

describe('the OpenAPI document', () => {
  const api = useTestApi();

  it('serves the catalogue and the codes an error may carry', async () => {
    const doc = (await api().app.inject({ url: '/api/openapi.json' })).json();
    expect(doc['x-error-codes']).toEqual(JSON.parse(JSON.stringify(ERROR_CATALOGUE)));
    const errorBody = Object.values(doc.components.schemas as Record<string, { title?: string }>).find((s) =>
      JSON.stringify(s).includes('x-error-codes'),
    ) as { properties: { error: { properties: { code: { enum: string[] } } } } };
    expect(errorBody.properties.error.properties.code.enum).toEqual(ERROR_CODES);
  });
});
