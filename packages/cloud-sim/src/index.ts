export * from './common/server';
