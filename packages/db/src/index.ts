export * from './client';
export * from './migrate';
export * from './generated/prisma/client.ts';
