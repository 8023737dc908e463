export * from './aws';
export * from './common/retry';
export * from './digitalocean';
export * from './docker';
export * from './gce';
export * from './libvirt';
export * from './ssh-host';
