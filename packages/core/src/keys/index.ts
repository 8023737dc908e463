export * from './private-key';
export * from './service';
