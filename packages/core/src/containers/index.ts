export * from './engine-host';
export * from './service';
