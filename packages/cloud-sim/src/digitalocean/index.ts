// Names carry a Do/DO_ prefix where a plain one would collide with the other emulators' exports.
export { DoAccount, type DoAccountInfo, type DoTiming } from './account';
export {
  type DoImage,
  type DoRegion,
  type DoSize,
  PUBLIC_IMAGES as DO_PUBLIC_IMAGES,
  REGIONS as DO_REGIONS,
  SIZES as DO_SIZES,
} from './catalog';
export type {
  DropletStatus,
  SimAction as DoSimAction,
  SimDroplet,
  SimSshKey as DoSimSshKey,
  SimVolume as DoSimVolume,
} from './model';
export type { RateLimitOptions as DoRateLimitOptions } from './rate-limit';
export {
  type DigitalOceanSim,
  type DigitalOceanSimOptions,
  type DoRequestRecord,
  type DoSimAccountOptions,
  startDigitalOceanSim,
} from './sim';
