// Rewrites the provider table in README.md from the registered modules (a test checks they agree).
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { withProviderTable } from '../packages/providers/src/readme-table';
import { PROVIDER_MODULES } from '../packages/providers/src/registry';

const path = resolve(import.meta.dirname, '../README.md');
writeFileSync(path, withProviderTable(readFileSync(path, 'utf8'), PROVIDER_MODULES));
