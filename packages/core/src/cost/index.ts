export * from './compute';
export * from './summary';
