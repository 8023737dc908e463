export { createHetznerDriver, type HetznerCredentials } from './driver';
