// The image a disk's contents came from. Compute Engine records it (`sourceImage`) only on a disk
// made from an image: a disk made from a snapshot has `sourceSnapshot` instead, and a snapshot
// records its disk (`sourceDisk`) but not that disk's image. Following that chain back fails once a
// revert has deleted the disk a snapshot was taken of, so the driver carries the image along as
// labels: on each disk snapshot it takes and each disk a revert makes. A label value holds at most
// 63 lowercase letters, digits, `-` and `_`, so an image URL does not fit; its project and name
// (each a lowercase name of at most 63 characters) do, in two labels.

type Labels = Readonly<Record<string, string>> | null | undefined;

const IMAGE_LABEL = 'overcast-image';
const IMAGE_PROJECT_LABEL = 'overcast-image-project';
const LABEL_VALUE = /^[a-z0-9_-]{1,63}$/;

/** Image URLs shortened to the `projects/P/global/images/NAME` form createMachine accepts. */
export function imageRef(url: string | null | undefined): string | null {
  if (!url) return null;
  const m = /projects\/[^/]+\/global\/images\/.+$/.exec(url);
  return m ? m[0] : url;
}

/**
 * The labels that record `image`; none when a label cannot hold its project or name (a
 * domain-scoped project such as `example.com:tools`), which then goes unreported after a revert.
 */
export function imageLabels(image: string | null): Record<string, string> {
  const m = image ? /^projects\/([^/]+)\/global\/images\/([^/]+)$/.exec(image) : null;
  if (!m || !LABEL_VALUE.test(m[1]!) || !LABEL_VALUE.test(m[2]!)) return {};
  return { [IMAGE_PROJECT_LABEL]: m[1]!, [IMAGE_LABEL]: m[2]! };
}

/** The image `imageLabels` recorded, or null. */
export function labelledImage(labels: Labels): string | null {
  const project = labels?.[IMAGE_PROJECT_LABEL];
  const name = labels?.[IMAGE_LABEL];
  return project && name ? `projects/${project}/global/images/${name}` : null;
}

/** A disk's image: its own `sourceImage`, or the one a revert labelled it with. */
export function diskImage(disk: { sourceImage?: string | null; labels?: Labels }): string | null {
  return imageRef(disk.sourceImage) ?? labelledImage(disk.labels);
}
