export * from './backup';
export * from './client';
export * from './copy';
export * from './generated/prisma/client.ts';
export * from './migrate';
export * from './repositories';
export * from './unavailable';
