export * from './api/auth';
export * from './api/clouds';
export * from './api/common';
export * from './api/health';
export * from './api/inventory';
export * from './api/machines';
export * from './provider';
