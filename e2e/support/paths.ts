import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Built entry points the stack runs, exactly as a production install does. */
export const paths = {
  apiDir: resolve(repoRoot, 'apps/api'),
  apiMain: resolve(repoRoot, 'apps/api/dist/main.js'),
  apiMigrate: resolve(repoRoot, 'apps/api/dist/migrate.js'),
  addUser: resolve(repoRoot, 'apps/api/bin/adduser'),
  workerMain: resolve(repoRoot, 'apps/worker/dist/main.js'),
  webDist: resolve(repoRoot, 'apps/web/dist'),
  artifacts: resolve(repoRoot, 'test-results/artifacts'),
};
