import { describe, expect, it } from 'vitest';
import { galleryTemplates } from './gallery';
import { parseTemplate } from './template-parse';

describe('gallery', () => {
  it('ships the four templates, each valid', () => {
    const all = galleryTemplates();
    expect(all.map((t) => t.name)).toEqual([
      'database-cluster',
      'docker-app',
      'docker-host-app',
      'web-behind-load-balancer',
    ]);
    for (const t of all) expect(parseTemplate(t.source).problems, t.name).toEqual([]);
  });
});
