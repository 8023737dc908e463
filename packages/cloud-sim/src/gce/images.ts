import { type ImageInfo, PUBLIC_IMAGES } from './catalog';
import { resourcePath } from './links';

/**
 * Resolves an image reference the way instances.insert and disks.insert accept it: a full URL,
 * `projects/P/global/images/NAME`, `projects/P/global/images/family/F` (newest live image of the
 * family), or the same under `global/images/...` for the caller's own project.
 */
export function resolveImage(
  ref: unknown,
  ownProject: string,
  ownImages: readonly ImageInfo[],
): ImageInfo | null {
  const path = resourcePath(ref);
  if (!path) return null;
  const m = /^(?:projects\/([^/]+)\/)?global\/images\/(?:(family)\/)?([^/]+)$/.exec(path);
  if (!m) return null;
  const project = m[1] ?? ownProject;
  const pool = [...PUBLIC_IMAGES, ...ownImages].filter((i) => i.project === project);
  if (m[2] === 'family') {
    const live = pool.filter((i) => i.family === m[3] && !i.deprecated);
    return live.sort((a, b) => (a.creationTimestamp < b.creationTimestamp ? 1 : -1))[0] ?? null;
  }
  return pool.find((i) => i.name === m[3]) ?? null;
}

export const imagePath = (ref: unknown, ownProject: string) => {
  const path = resourcePath(ref) ?? '';
  return path.startsWith('projects/') ? path : `projects/${ownProject}/${path}`;
};
