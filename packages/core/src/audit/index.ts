export type { Actor, OrgActor } from '../actor';
export * from './read';
export * from './record';
export * from './resource-names';
