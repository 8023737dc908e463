export * from './logger';
export * from './mail';
export * from './metrics';
export * from './queues';
export * from './redis';
export * from './runtime';
export * from './secrets';
export * from './settings';
