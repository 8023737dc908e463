// Wire types the contracts declare only as schemas, derived here from those same schemas.
import type {
  CloudList as CloudListSchema,
  CreatedApiTokenView as CreatedApiTokenViewSchema,
  StartedRun as StartedRunSchema,
} from '@overcast/contracts';
import type { Static } from '@sinclair/typebox';

export type CloudList = Static<typeof CloudListSchema>;
export type CreatedApiTokenView = Static<typeof CreatedApiTokenViewSchema>;
export type StartedRun = Static<typeof StartedRunSchema>;
