export type { GceConfig, ServiceAccountKey as GceServiceAccountKey } from './config';
export { createGceDriver, type GceCredentials } from './driver';
