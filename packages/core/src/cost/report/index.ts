export * from './csv';
export * from './query';
export * from './report';
export * from './savings';
