export { createVultrDriver, type VultrCredentials } from './driver';
