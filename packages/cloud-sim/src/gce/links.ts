// selfLinks as Compute Engine writes them, and the reverse: reading the full or partial
// resource URLs clients send back.

export const API_BASE = 'https://www.googleapis.com/compute/v1';

export const links = {
  project: (p: string) => `${API_BASE}/projects/${p}`,
  zone: (p: string, z: string) => `${API_BASE}/projects/${p}/zones/${z}`,
  region: (p: string, r: string) => `${API_BASE}/projects/${p}/regions/${r}`,
  instance: (p: string, z: string, n: string) => `${API_BASE}/projects/${p}/zones/${z}/instances/${n}`,
  disk: (p: string, z: string, n: string) => `${API_BASE}/projects/${p}/zones/${z}/disks/${n}`,
  diskType: (p: string, z: string, t: string) => `${API_BASE}/projects/${p}/zones/${z}/diskTypes/${t}`,
  machineType: (p: string, z: string, t: string) => `${API_BASE}/projects/${p}/zones/${z}/machineTypes/${t}`,
  image: (p: string, n: string) => `${API_BASE}/projects/${p}/global/images/${n}`,
  network: (p: string, n: string) => `${API_BASE}/projects/${p}/global/networks/${n}`,
  subnetwork: (p: string, r: string, n: string) => `${API_BASE}/projects/${p}/regions/${r}/subnetworks/${n}`,
  firewall: (p: string, n: string) => `${API_BASE}/projects/${p}/global/firewalls/${n}`,
  snapshot: (p: string, n: string) => `${API_BASE}/projects/${p}/global/snapshots/${n}`,
  license: (p: string, n: string) => `${API_BASE}/projects/${p}/global/licenses/${n}`,
  operation: (p: string, z: string, n: string) => `${API_BASE}/projects/${p}/zones/${z}/operations/${n}`,
  regionOperation: (p: string, r: string, n: string) =>
    `${API_BASE}/projects/${p}/regions/${r}/operations/${n}`,
  globalOperation: (p: string, n: string) => `${API_BASE}/projects/${p}/global/operations/${n}`,
};

/** Strips any `scheme://host/compute/v1/` prefix so full URLs and partial paths read alike. */
export function resourcePath(ref: unknown): string | null {
  if (typeof ref !== 'string' || ref === '') return null;
  return ref.replace(/^https?:\/\/[^/]+\/compute\/(v1|beta|alpha)\//, '').replace(/^\/+/, '');
}

/** The last path segment of a reference ("zones/z/machineTypes/e2-small" -> "e2-small"). */
export function lastSegment(ref: unknown): string | null {
  const p = resourcePath(ref);
  return p ? (p.split('/').pop() ?? null) : null;
}
