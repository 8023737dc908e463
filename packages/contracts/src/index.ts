export * from './api/auth';
export * from './api/common';
export * from './api/health';
export * from './provider';
