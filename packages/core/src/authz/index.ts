export * from './event-audience';
export * from './kinds';
export * from './machine-access';
export * from './policy';
export * from './resources';
export * from './sql';
