export * from './listing';
export * from './network-listing';
export * from './sync-catalog';
export * from './sync-machines';
export * from './sync-networks';
export * from './sync-volumes';
