import { type Static, Type as T } from '@sinclair/typebox';

export const Health = T.Object({ status: T.Literal('ok') });

// Public: says what is down, never why (addresses and error texts go to the log).
const Check = T.Union([T.Literal('ok'), T.Literal('down')]);

export const Readiness = T.Object({
  status: T.Union([T.Literal('ok'), T.Literal('unavailable')]),
  checks: T.Object({ database: Check, redis: Check }),
});
export type Readiness = Static<typeof Readiness>;
