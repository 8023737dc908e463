export * from './sync-catalog';
export * from './sync-machines';
export * from './sync-volumes';
