export * from './credentials';
export * from './destinations';
export * from './drivers';
export * from './inputs';
export * from './service';
