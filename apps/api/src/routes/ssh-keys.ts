import {
  CreateSshKeyRequest,
  DeleteSshKeyQuery,
  IdParams,
  SshKey,
  SshKeyList,
  UpdateSshKeyRequest,
} from '@overcast/contracts';
import { createSshKey, deleteSshKey, listSshKeys, sshKeyView, updateSshKey } from '@overcast/core/keys';
import { repos } from '@overcast/core/repositories';
import { Type as T } from '@sinclair/typebox';
import type { RoutePlugin } from '../context';
import { byId, may } from '../http/authz';
import { orgActorOf } from '../http/caller';
import { changeById, created, NoContent, noContent } from '../http/reply';
import { route } from '../http/route';

/** The organization's SSH keys; which key a machine uses is under /machines/:id/ssh. */
export const sshKeyRoutes: RoutePlugin = (app, ctx) => {
  const { db } = ctx;
  app.get(
    '',
    route("The organization's SSH keys (public halves only), the default first", may('keys', 'read'), {
      response: { 200: SshKeyList },
    }),
    async (request) => ({ items: await listSshKeys(db, request.caller.organizationId, request.caller) }),
  );

  app.post(
    '',
    route(
      'Generate a key pair (ed25519, or rsa 4096) or import a private key; the first key becomes the default',
      may('keys', 'create'),
      { body: CreateSshKeyRequest, response: { 201: T.Ref(SshKey) } },
    ),
    async (request, reply) =>
      created(reply, sshKeyView(db, await createSshKey(ctx, orgActorOf(request), request.body))),
  );

  app.get(
    '/:id',
    route('One SSH key', may('keys', 'read', byId), { params: IdParams, response: { 200: T.Ref(SshKey) } }),
    async (request) =>
      sshKeyView(db, await repos(db).sshKeys.getInOrg(request.caller.organizationId, request.params.id)),
  );

  app.patch(
    '/:id',
    route(
      "Rename a key, or make it the organization's default",
      may('keys', 'edit', byId),
      changeById(UpdateSshKeyRequest, T.Ref(SshKey)),
    ),
    async (request) =>
      sshKeyView(db, await updateSshKey(ctx, orgActorOf(request), request.params.id, request.body)),
  );

  app.delete(
    '/:id',
    route(
      'Delete a key; one that machines use is refused (409) unless force=true, which detaches it',
      may('keys', 'delete', byId),
      { params: IdParams, querystring: DeleteSshKeyQuery, response: NoContent },
    ),
    async (request, reply) =>
      noContent(
        reply,
        deleteSshKey(ctx, orgActorOf(request), request.params.id, request.query.force === true),
      ),
  );
};
