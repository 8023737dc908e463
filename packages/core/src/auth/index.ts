export * from './account';
export * from './api-tokens';
export * from './attempts';
export * from './context';
export * from './password';
export * from './sessions';
export * from './totp';
export * from './users';
