export * from './compute';
export * from './run-rate';
export * from './summary';
