// `pnpm bench <name>`: runs bench/<name>.ts. Each benchmark prints its figures as ratios
// against a baseline measured in the same run, on this machine, at this moment.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const name = process.argv[2];
const available = readdirSync(resolve(root, 'bench'))
  .filter((f) => f.endsWith('.ts') && !f.startsWith('_'))
  .map((f) => f.slice(0, -3));
if (!name || !existsSync(resolve(root, 'bench', `${name}.ts`))) {
  console.error(`usage: pnpm bench <${available.join('|')}> [options]`);
  process.exit(2);
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', resolve(root, 'bench', `${name}.ts`), ...process.argv.slice(3)],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  },
);
process.exit(result.status ?? 1);
