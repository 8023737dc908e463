import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// One runner for the tree, in two projects. "node": unit tests beside the code and integration
// tests under apps/*/test; its global setup builds api and worker and creates a throwaway
// database for the run, dropping it afterwards. "web": the web app's tests, components in a DOM,
// which need neither.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
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
          exclude: ['**/node_modules/**', 'apps/web/**'],
          globalSetup: ['./test/global-setup.ts'],
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
