export * from './client';
export * from './generated/prisma/client.ts';
export * from './migrate';
export * from './copy';
