// `pnpm start`: the api (with the web app) and the worker, against local Postgres and Redis,
// running the same entry points as the containers. Build first with `pnpm build`.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const apps = [
  { name: 'api', cwd: resolve(root, 'apps/api') },
  { name: 'worker', cwd: resolve(root, 'apps/worker') },
];
for (const app of apps) {
  if (!existsSync(resolve(app.cwd, 'dist/main.js'))) {
    console.error(`apps/${app.name}/dist/main.js is missing: run "pnpm build" first.`);
    process.exit(1);
  }
}
const env = {
  ...process.env,
  OVERCAST_SETTINGS_DIR: process.env.OVERCAST_SETTINGS_DIR ?? resolve(root, 'settings'),
};
const children = apps.map((app) => {
  const child = spawn(process.execPath, ['dist/main.js'], { cwd: app.cwd, env, stdio: 'inherit' });
  child.on('exit', (code, signal) => {
    if (stopping) return;
    console.error(`${app.name} exited (${signal ?? code}); stopping.`);
    stop(code ?? 1);
  });
  return child;
});
let stopping = false;
function stop(code) {
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null))).then(
    () => process.exit(code),
  );
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
