import {
  ActionLinkPreview,
  ActionLinkRequest,
  ActionLinkResult,
  MattermostActionAnswer,
  MattermostActionCall,
} from '@overcast/contracts';
import { mattermostButtonAnswer, previewActionLink, redeemActionLink } from '@overcast/core/action-links';
import type { FastifyRequest } from 'fastify';
import type { RoutePlugin } from '../context';
import { may } from '../http/authz';
import { authOf, userActorOf } from '../http/caller';
import { route } from '../http/route';

/** The person holding the link, as they are logged in now: who it acts for and is audited as. */
const holderOf = (request: FastifyRequest) => ({ actor: userActorOf(request), principal: authOf(request) });

/**
 * The buttons of incident messages in chat. The token travels in the body, so no URL that is
 * logged carries it. Core checks the token and then the person's rights on the incident and machine.
 */
export const actionLinkRoutes: RoutePlugin = (app, ctx) => {
  const { db, settings } = ctx;

  app.post(
    '/preview',
    route(
      'What an action link from a chat message will do, for the person logged in',
      // Acting from chat is operating machines, which viewers may not; core then checks the
      // incident and machine the token names against the caller's policies.
      [{ session: 'open action links from chat' }, may('machines', 'act')],
      { body: ActionLinkRequest, response: { 200: ActionLinkPreview } },
    ),
    async (request) => previewActionLink({ db, settings }, holderOf(request), request.body.token),
  );

  app.post(
    '/redeem',
    route(
      'Do what an action link says, once, as the person logged in and with their rights',
      // Core checks the machine action against the caller's policies as they are now, and audits a refusal.
      [{ session: 'use action links from chat' }, may('machines', 'act')],
      { body: ActionLinkRequest, response: { 200: ActionLinkResult } },
    ),
    async (request) => redeemActionLink(ctx, holderOf(request), request.body.token),
  );

  app.post(
    '/mattermost',
    route(
      "Mattermost's call when an incident message's button is pressed: answers the presser the confirm link",
      // Mattermost's server calls it, for no Overcast session; it only hands back the link.
      'public',
      { body: MattermostActionCall, response: { 200: MattermostActionAnswer } },
    ),
    async (request) => ({
      ephemeral_text: await mattermostButtonAnswer({ db, settings }, request.body.context.token),
    }),
  );
};
