import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GalleryTemplate } from '@overcast/contracts';
import { parseTemplate } from './template-parse';

// Beside this file in the source, beside the bundle in an app's dist/ (scripts/build-app.mjs copies it).
const DIR = join(import.meta.dirname, 'gallery');

let loaded: GalleryTemplate[] | undefined;

/** The templates Overcast ships, by name: a starting point anyone can copy and change. */
export function galleryTemplates(): GalleryTemplate[] {
  loaded ??= readdirSync(DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => {
      const source = readFileSync(join(DIR, f), 'utf8');
      const parsed = parseTemplate(source);
      const description = (parsed.ok ? parsed.document.description : undefined) ?? '';
      return { name: f.replace(/\.yaml$/, ''), description, source };
    });
  return loaded;
}
