export type { DigitalOceanConfig } from './config';
export { createDigitalOceanDriver, type DigitalOceanCredentials } from './driver';
