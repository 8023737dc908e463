export type { LibvirtConfig, LibvirtCredentials, LibvirtHost } from './config';
export { createLibvirtDriver, type LibvirtDriver } from './driver';
