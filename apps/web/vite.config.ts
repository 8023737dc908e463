import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// In development the API runs separately; proxying keeps every call same-origin,
// exactly as in production where the API serves this build.
const api = process.env.OVERCAST_API_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: {
      '/api': { target: api, ws: true },
      '/healthz': { target: api },
      '/readyz': { target: api },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    rolldownOptions: {
      output: {
        // React, the router and React Query change rarely: one long-cached chunk. App code
        // shared by several pages goes in one chunk rather than a dozen tiny requests.
        // The terminal emulator and the VNC client are large and only the terminal and console
        // pages need them: they stay out.
        codeSplitting: {
          groups: [
            { name: 'vendor', test: /node_modules\/(?!.*(@xterm|@novnc)[+/])/ },
            { name: 'shared', test: /\/src\//, minShareCount: 2 },
          ],
        },
      },
    },
  },
});
