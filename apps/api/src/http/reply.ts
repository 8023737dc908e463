import { IdParams } from '@overcast/contracts';
import { Type as T, type TSchema } from '@sinclair/typebox';

/** The response schema of a change that has nothing to say back. */
export const NoContent = { 204: T.Null() };

/** The response schema of work that goes on after the request: the event stream reports how it ends. */
export const Accepted = { 202: T.Object({ accepted: T.Boolean() }) };

/** Answers 204 with no body once `work` is done. */
export async function noContent<Sent>(
  reply: { code(status: 204): { send(payload: null): Sent } },
  work: Promise<unknown>,
): Promise<Sent> {
  await work;
  return reply.code(204).send(null);
}

/** Answers 202 `{ accepted: true }` once `work` has been handed on. */
export async function accepted<Sent>(
  reply: { code(status: 202): { send(payload: { accepted: true }): Sent } },
  work: Promise<unknown>,
): Promise<Sent> {
  await work;
  return reply.code(202).send({ accepted: true });
}

/** Answers 201 with what `work` created. */
export async function created<Value, Sent>(
  reply: { code(status: 201): { send(payload: Value): Sent } },
  work: Promise<Value>,
): Promise<Sent> {
  return reply.code(201).send(await work);
}

/** The schema of a change to the thing named by `:id`: the body it takes, and the thing as it is after. */
export const changeById = <Body extends TSchema, After extends TSchema>(body: Body, after: After) => ({
  params: IdParams,
  body,
  response: { 200: after },
});
