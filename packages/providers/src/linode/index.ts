export { createLinodeDriver, type LinodeCredentials } from './driver';
