// Bundles an app's entry points into dist/: our workspace packages are inlined (they ship
// TypeScript source), third-party packages stay external and resolve from node_modules.
import { cpSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { build } from 'esbuild';

const entries = process.argv.slice(2);
if (entries.length === 0) {
  console.error('usage: build-app.mjs src/entry.ts [...]');
  process.exit(2);
}

const externalThirdParty = {
  name: 'external-third-party',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('@overcast/') || args.path.startsWith('node:')) return undefined;
      return { path: args.path, external: true };
    });
  },
};

rmSync(resolve('dist'), { recursive: true, force: true });
await build({
  entryPoints: entries,
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  plugins: [externalThirdParty],
  // Bundled CommonJS-style code may still call require(); give it one.
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
});

// The template gallery is read from a `gallery` folder beside the code that reads it
// (core/stacks/gallery.ts); bundled, that code sits in dist/, so the folder goes there too.
cpSync(resolve(import.meta.dirname, '../packages/core/src/stacks/gallery'), resolve('dist/gallery'), {
  recursive: true,
});
