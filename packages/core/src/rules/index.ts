export * from './evaluate';
export * from './incidents';
export * from './observe';
export * from './refs';
export * from './service';
export * from './targets';
export * from './wiring';
