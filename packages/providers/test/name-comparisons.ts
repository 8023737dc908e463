import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

// Finds code that compares or switches on a provider's kind outside the provider's own folder:
// what the provider modules replace with features. Prose ("a Docker engine") and the kinds'
// own folders, the registry, the emulators, tests and fixtures are left alone.

export interface NameComparison {
  file: string;
  line: number;
  text: string;
}

const SOURCE = /\.(ts|tsx|mts|mjs|js)$/;
const SKIP_DIRS = new Set(['node_modules', 'dist', 'generated', 'fixtures', 'test', 'test-support']);
/** Hidden folders hold no source: .git, and build output such as the bench's .bench-out. */
const hidden = (name: string) => name.startsWith('.');

/** Where a kind may be named: its folder, the registry, the emulators, the test kit. */
function exempt(path: string, folders: string[]): boolean {
  const p = path.split(sep).join('/');
  if (/\.test\.tsx?$/.test(p) || p.endsWith('.spec.ts')) return true;
  if (p.startsWith('packages/cloud-sim/') || p.startsWith('packages/test-kit/')) return true;
  if (p === 'packages/providers/src/registry.ts') return true;
  return folders.some((f) => p.startsWith(`packages/providers/src/${f}/`));
}

function patterns(kinds: readonly string[]): RegExp[] {
  const k = `(?:${kinds.map((x) => x.replace(/[^a-z0-9_]/g, '')).join('|')})`;
  const q = `['"\`]${k}['"\`]`;
  return [
    // provider === 'docker', 'aws' !== kind
    new RegExp(`[!=]==?\\s*${q}`),
    new RegExp(`${q}\\s*[!=]==?`),
    // case 'gce':
    new RegExp(`\\bcase\\s+${q}\\s*:`),
    // { provider: 'docker' } in a query or a filter
    new RegExp(`\\bprovider\\s*:\\s*${q}`),
    // ['aws', 'gce'].includes(provider), a hand-kept list of kinds
    new RegExp(`\\.includes\\(\\s*${q}`),
    new RegExp(`${q}\\s*,\\s*${q}`),
    // a map keyed by kind: `aws: { ... }`, `ssh_host: 'SSH hosts'`
    new RegExp(`^\\s*['"]?${k}['"]?\\s*:\\s*[{'"\\[]`),
    // type Kind = 'aws' | 'gce'
    new RegExp(`${q}\\s*\\|`),
  ];
}

function* sourceFiles(root: string, dir: string): Generator<string> {
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name) && !hidden(entry.name)) yield* sourceFiles(root, path);
    } else if (SOURCE.test(entry.name)) yield path;
  }
}

/** Checks one file's text; `path` is relative to the repository. */
export function scanText(path: string, text: string, kinds: readonly string[]): NameComparison[] {
  const found: NameComparison[] = [];
  const res = patterns(kinds);
  for (const [i, line] of text.split('\n').entries()) {
    const code = line.replace(/\/\/.*$/, '');
    if (/^\s*(\*|\/\*)/.test(code)) continue;
    if (res.some((re) => re.test(code))) found.push({ file: path, line: i + 1, text: line.trim() });
  }
  return found;
}

/**
 * Every comparison of a kind in the product code under `root`: apps, packages, scripts (benches,
 * like tests, set up clouds of a kind).
 * `folders` are the providers' folders under packages/providers/src (ssh-host for ssh_host).
 */
export function findNameComparisons(
  root: string,
  kinds: readonly string[],
  folders: readonly string[],
): NameComparison[] {
  const found: NameComparison[] = [];
  for (const top of ['apps', 'packages', 'scripts']) {
    let files: string[];
    try {
      files = [...sourceFiles(root, top)];
    } catch {
      continue;
    }
    for (const file of files) {
      const path = relative(root, join(root, file));
      if (exempt(path, [...folders])) continue;
      found.push(...scanText(path, readFileSync(join(root, file), 'utf8'), kinds));
    }
  }
  return found;
}
