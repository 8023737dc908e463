export * from './compute';
