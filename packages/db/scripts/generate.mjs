// Generates the Prisma client. The CLI insists on a schema engine binary even though
// `generate` never runs it; that binary is a download we do not allow, so point the CLI
// at any existing file.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');
const result = spawnSync(
  process.execPath,
  [
    createRequire(import.meta.url).resolve('prisma/build/index.js'),
    'generate',
    '--schema',
    resolve(root, 'prisma/schema.prisma'),
  ],
  {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
    },
  },
);
process.exit(result.status ?? 1);
