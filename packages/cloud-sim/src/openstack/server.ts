// A Nova server as the emulator keeps it, and the vm_state Nova reports for its status.

import type { OsFlavor, OsImage } from './catalog';

export type NovaStatus =
  | 'BUILD'
  | 'ACTIVE'
  | 'SHUTOFF'
  | 'REBOOT'
  | 'ERROR'
  | 'RESIZE'
  | 'VERIFY_RESIZE'
  | 'REBUILD';

export interface SimOsServer {
  id: string;
  name: string;
  region: string;
  status: NovaStatus;
  taskState: string | null;
  flavor: OsFlavor;
  image: OsImage;
  zone: string;
  created: string;
  updated: string;
  metadata: Record<string, string>;
  fixedIp: string;
  floatingIp: string | null;
  keyName: string | null;
  userData: string | null;
  volumeIds: string[];
  /** While a resize awaits its confirmation: the flavor it left and whether it was shut off. */
  resize?: { from: OsFlavor; wasStopped: boolean } | null;
}

export function vmState(s: SimOsServer): string {
  return {
    BUILD: 'building',
    ACTIVE: 'active',
    SHUTOFF: 'stopped',
    REBOOT: 'active',
    ERROR: 'error',
    RESIZE: s.resize?.wasStopped ? 'stopped' : 'active',
    VERIFY_RESIZE: 'resized',
    REBUILD: 'active',
  }[s.status];
}
