export * from './load';
export * from './paths';
export * from './readme';
export * from './schema';
