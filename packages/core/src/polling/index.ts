export * from './poll';
export * from './schedule';
