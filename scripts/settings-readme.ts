// Rewrites settings/README.md from the settings schema (a test checks they agree).
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { renderSettingsReadme } from '../packages/runtime/src/settings/readme';

writeFileSync(resolve(import.meta.dirname, '../settings/README.md'), renderSettingsReadme());
