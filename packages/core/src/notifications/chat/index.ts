export * from './deliver';
export * from './formats';
export * from './message';
export * from './target';
