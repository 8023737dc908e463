import { type Static, Type as T, type TSchema } from '@sinclair/typebox';
import { ERROR_CODES } from './error-codes';

/** The one error shape of every 4xx/5xx answer. */
export const ErrorBody = T.Object(
  {
    error: T.Object({
      code: T.String({
        // Typed as a string: a newer server may add codes, and a client must still read the message.
        enum: ERROR_CODES,
        description: 'Stable, machine-readable; each is listed with its meaning under x-error-codes.',
      }),
      message: T.String({ description: 'What happened and what to do, for a person.' }),
      field: T.Optional(
        T.String({ description: 'The input at fault, when there is one: query.resource, body.tags.env...' }),
      ),
    }),
  },
  { $id: 'ErrorBody', description: 'An error' },
);
export type ErrorBody = Static<typeof ErrorBody>;

export const Uuid = T.String({ format: 'uuid' });
export const IsoDateTime = T.String({ format: 'date-time' });

export const Role = T.Union([
  T.Literal('owner'),
  T.Literal('admin'),
  T.Literal('member'),
  T.Literal('viewer'),
]);
export type Role = Static<typeof Role>;

/** A strict request object: unknown fields are a 400, not silently dropped. */
export const Strict = <P extends Record<string, TSchema>>(
  properties: P,
  options: Record<string, unknown> = {},
) => T.Object(properties, { additionalProperties: false, ...options });

export const IdParams = Strict({ id: Uuid });
