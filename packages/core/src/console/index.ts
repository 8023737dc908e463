export * from './record';
export * from './serial';
export * from './target';
