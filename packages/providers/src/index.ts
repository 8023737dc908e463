export * from './common/retry';
