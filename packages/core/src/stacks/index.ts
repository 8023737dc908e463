export * from './inputs';
export * from './references';
export * from './template-check';
export * from './template-parse';
