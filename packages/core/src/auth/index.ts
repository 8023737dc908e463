export * from './access';
export * from './account';
export * from './api-tokens';
export * from './context';
export * from './sessions';
export * from './totp';
export * from './users';
