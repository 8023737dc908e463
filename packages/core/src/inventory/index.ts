export * from './sync-machines';
