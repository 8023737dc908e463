import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// Test files that measure time or load the machine on purpose (100k-machine emulators, timing
// bounds on events and walks): they run last, one at a time, with nothing beside them.
const ALONE = [
  'apps/worker/test/engine-events.test.ts',
  'apps/worker/test/policy-walk.test.ts',
  'packages/cloud-sim/src/ec2/ec2-sim.test.ts',
  'packages/cloud-sim/src/digitalocean/sim.test.ts',
];

const NODE = {
  // Its global setup builds api and worker, migrates a template database and starts a Redis for
  // the run; test/worker-setup.ts gives each worker a copy of that database and a Redis
  // database of its own, so files running side by side never share rows, queues or jobs.
  globalSetup: ['./test/global-setup.ts'],
  setupFiles: ['./test/worker-setup.ts'],
};

// One runner for the tree, in three projects. "node": unit tests beside the code and integration
// tests under apps/*/test; "node-alone": the files above; "web": the web app's tests,
// components in a DOM. Two files run at once (OVERCAST_TEST_WORKERS sets another number): each
// worker is isolated (see NODE), and most files wait on sockets and child processes, so two
// workers on two cores take about two thirds of the time of one.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: Number(process.env.OVERCAST_TEST_WORKERS) || 2,
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: [
            'packages/*/src/**/*.test.ts',
            'packages/*/test/**/*.test.ts',
            'apps/*/test/**/*.test.ts',
            'apps/*/src/**/*.test.ts',
            'deploy/*/test/**/*.test.ts',
          ],
          exclude: ['**/node_modules/**', 'apps/web/**', ...ALONE],
          ...NODE,
        },
      },
      {
        extends: true,
        test: {
          name: 'node-alone',
          include: ALONE,
          // One worker: vitest runs these files after every other group, by themselves.
          maxWorkers: 1,
          ...NODE,
        },
      },
      {
        extends: true,
        plugins: [react()],
        test: {
          name: 'web',
          include: ['apps/web/src/**/*.test.{ts,tsx}'],
          environment: 'jsdom',
          setupFiles: ['./apps/web/test/setup.ts'],
        },
      },
    ],
  },
});
