/**
 * The root entry holds only what nearly every caller needs: the error type and who acts.
 * Everything else is imported from its domain's entry point (`@overcast/core/machines`,
 * `@overcast/core/clouds`, ...), listed in package.json's `exports`.
 */
export * from './actor';
export * from './errors';
