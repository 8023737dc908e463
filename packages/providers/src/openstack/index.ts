export { createOpenStackDriver, type OpenStackCredentials } from './driver';
