export * from './config';
export * from './driver';
export { dockerError } from './errors';
