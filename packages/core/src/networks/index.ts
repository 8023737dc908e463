export * from './change';
export * from './exposure';
export * from './read';
