// The DigitalOcean v2 objects as they really arrive. Deliberately looser than dots-wrapper's
// types: older records lack `size`, images may have a null slug, kernels may be null.

export interface DoWireNetwork {
  ip_address?: string;
  netmask?: string | number;
  gateway?: string;
  type?: string;
}

export interface DoWireRegion {
  slug?: string;
  name?: string;
  features?: string[];
  available?: boolean;
  sizes?: string[];
}

export interface DoWireSize {
  slug?: string;
  description?: string;
  memory?: number;
  vcpus?: number;
  disk?: number;
  transfer?: number;
  price_monthly?: number;
  price_hourly?: number;
  regions?: string[];
  available?: boolean;
}

export interface DoWireImage {
  id?: number;
  name?: string;
  distribution?: string;
  slug?: string | null;
  public?: boolean;
  regions?: string[];
  created_at?: string;
  min_disk_size?: number;
  type?: string;
  size_gigabytes?: number;
  description?: string;
  status?: string;
}

export interface DoWireDroplet {
  id: number;
  name?: string;
  memory?: number;
  vcpus?: number;
  disk?: number;
  locked?: boolean;
  status?: string;
  kernel?: { id?: number; name?: string; version?: string } | null;
  created_at?: string;
  features?: string[];
  backup_ids?: unknown[];
  next_backup_window?: unknown;
  snapshot_ids?: unknown[];
  image?: DoWireImage | null;
  volume_ids?: string[];
  size?: DoWireSize | null;
  size_slug?: string;
  networks?: { v4?: DoWireNetwork[]; v6?: DoWireNetwork[] };
  region?: DoWireRegion | null;
  tags?: string[];
  vpc_uuid?: string;
}

export interface DoWireVolume {
  id: string;
  name?: string;
  description?: string;
  size_gigabytes?: number;
  droplet_ids?: number[];
  region?: DoWireRegion | null;
  created_at?: string;
  filesystem_type?: string;
  filesystem_label?: string;
  tags?: string[] | null;
}

export interface DoWireAction {
  id: number;
  status?: string;
  type?: string;
  started_at?: string;
}

export interface DoWirePage {
  links?: { pages?: { next?: string } };
  meta?: { total?: number };
}
