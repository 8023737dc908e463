import { describe, expect, it } from 'vitest';
import { diskImage, imageLabels, labelledImage } from './disk-image';

describe("a disk's image", () => {
  it('is its own sourceImage, shortened, before any label', () => {
    expect(
      diskImage({
        sourceImage: 'https://www.googleapis.com/compute/v1/projects/debian-cloud/global/images/debian-12-x',
        labels: { 'overcast-image-project': 'other', 'overcast-image': 'y' },
      }),
    ).toBe('projects/debian-cloud/global/images/debian-12-x');
  });

  it('survives as two labels Compute Engine accepts, and is read back from them', () => {
    const image = 'projects/my-project-42/global/images/golden-2024-06';
    const labels = imageLabels(image);
    for (const [key, value] of Object.entries(labels)) {
      expect(key).toMatch(/^[a-z][a-z0-9_-]{0,62}$/);
      expect(value).toMatch(/^[a-z0-9_-]{0,63}$/);
    }
    expect(diskImage({ sourceImage: null, labels })).toBe(image);
  });

  it('is not labelled when a label cannot hold it, and is unknown without labels', () => {
    expect(imageLabels('projects/example.com:tools/global/images/base')).toEqual({});
    expect(imageLabels('projects/debian-cloud/global/images/family/debian-12')).toEqual({});
    expect(imageLabels(null)).toEqual({});
    expect(labelledImage({ 'overcast-image': 'base' })).toBeNull();
    expect(diskImage({ labels: { env: 'prod' } })).toBeNull();
  });
});
