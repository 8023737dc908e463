export * from './container-exec';
export * from './login';
export * from './open';
export * from './pins';
export * from './reached-at';
export * from './route';
