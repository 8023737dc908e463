export * from './container-shell';
export * from './hostkeys';
export * from './recording';
export * from './recordings';
export * from './session';
