export * from './actions';
export * from './create';
export * from './detail';
export * from './list';
export * from './list-totals';
export * from './tags';
export * from './view';
