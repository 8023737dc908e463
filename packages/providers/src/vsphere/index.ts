export type { VsphereCredentials } from './config';
export { createVsphereDriver, type VsphereDriver } from './driver';
export { vsphereModule } from './module';
