export * from './common/server';
export * from './digitalocean/index';
export * from './docker/index';
export * from './ec2/index';
export * from './gce/index';
export * from './hetzner/index';
export * from './linode/index';
export * from './vultr/index';
