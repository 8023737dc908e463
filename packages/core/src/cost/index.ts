export * from './compute';
export * from './report/index';
export * from './run-rate';
export * from './summary';
