export * from './watcher';
export * from './watchers';
