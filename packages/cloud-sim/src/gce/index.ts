// Names carry a Gce/GCE_ prefix where a plain one would collide with the other emulators' exports.
export { type ServiceAccountEntry as GceServiceAccountEntry, TokenIssuer as GceTokenIssuer } from './auth';
export {
  type ImageInfo as GceImageInfo,
  MACHINE_TYPES as GCE_MACHINE_TYPES,
  PUBLIC_IMAGE_PROJECTS as GCE_PUBLIC_IMAGE_PROJECTS,
  PUBLIC_IMAGES as GCE_PUBLIC_IMAGES,
  ZONES as GCE_ZONES,
} from './catalog';
export type {
  DiskStatus as GceDiskStatus,
  InstanceStatus as GceInstanceStatus,
  SimAttachedDisk as GceSimAttachedDisk,
  SimDisk as GceSimDisk,
  SimInstance as GceSimInstance,
  SimOperation as GceSimOperation,
} from './model';
export { GceProject, type GceTiming } from './project';
export {
  type GceRequestRecord,
  type GceSim,
  type GceSimOptions,
  type GceSimProjectOptions,
  type GceSimServiceAccount,
  startGceSim,
} from './sim';
