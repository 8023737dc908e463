export * from './capabilities';
export * from './credentials';
export * from './descriptors';
export * from './destinations';
export * from './drivers';
export * from './inputs';
export * from './modules';
export * from './service';
