export type * from '../common/container-driver';
export * from './config';
export * from './driver';
export { dockerError } from './errors';
