export * from './actions';
export * from './create';
export * from './detail';
export * from './list';
export * from './tags';
export * from './view';
