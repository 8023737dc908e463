import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The templates Overcast ships, by name: a starting point anyone can copy and change. */
export interface GalleryTemplate {
  name: string;
  source: string;
}

const DIR = join(import.meta.dirname, 'gallery');

export function galleryTemplates(): GalleryTemplate[] {
  return readdirSync(DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => ({ name: f.replace(/\.yaml$/, ''), source: readFileSync(join(DIR, f), 'utf8') }));
}
