import { type Static, Type as T } from '@sinclair/typebox';

export const Health = T.Object({ status: T.Literal('ok') });

const Check = T.Union([T.Literal('ok'), T.String({ description: 'Why the dependency is not ready.' })]);

export const Readiness = T.Object({
  status: T.Union([T.Literal('ok'), T.Literal('unavailable')]),
  checks: T.Object({ postgres: Check, redis: Check }),
});
export type Readiness = Static<typeof Readiness>;
