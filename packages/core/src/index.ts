/**
 * The root entry holds only what nearly every caller needs: the error type, who acts, and the
 * named parts of the Runtime that core functions take.
 * Everything else is imported from its domain's entry point (`@overcast/core/machines`,
 * `@overcast/core/clouds`, ...), listed in package.json's `exports`.
 */
export * from './actor';
export * from './errors';
export type * from './runtime';
