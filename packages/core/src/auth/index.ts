export * from './api-tokens';
export * from './context';
export * from './sessions';
export * from './users';
