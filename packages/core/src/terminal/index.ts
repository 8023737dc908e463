export * from './container-shell';
export * from './hostkeys';
export * from './machine-ssh';
export * from './recording';
export * from './recordings';
export * from './session';
export * from './target';
