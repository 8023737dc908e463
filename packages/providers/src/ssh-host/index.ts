export type { SshHostConfig, SshHostCredentials, SshHostEntry, SshLogin } from './config';
export { createSshHostDriver, type SshHostDriver } from './driver';
