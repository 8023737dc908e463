import {
  CreateSshKeyRequest,
  DeleteSshKeyQuery,
  IdParams,
  MachineSsh,
  MachineSshRequest,
  SshKey,
  SshKeyList,
  UpdateSshKeyRequest,
} from '@overcast/contracts';
import {
  createSshKey,
  deleteSshKey,
  listSshKeys,
  machineSshView,
  setMachineSsh,
  sshKeyView,
  updateSshKey,
} from '@overcast/core/keys';
import { repos } from '@overcast/core/repositories';
import { Type as T } from '@sinclair/typebox';
import type { App, AppDeps } from '../context';
import { authorize, ERROR_RESPONSES, orgActorOf } from './shared';

const errors = ERROR_RESPONSES;
const tags = ['ssh keys'];

export function keyRoutes(app: App, deps: AppDeps): void {
  const { db, box } = deps;
  app.addSchema(SshKey);

  app.get(
    '/api/v1/ssh-keys',
    {
      schema: {
        tags,
        summary: "The organization's SSH keys (public halves only), the default first",
        response: { 200: SshKeyList, ...errors },
      },
    },
    async (request) => {
      const auth = await authorize(request, 'keys', 'read');
      return { items: await listSshKeys(db, auth.organizationId, auth) };
    },
  );

  app.post(
    '/api/v1/ssh-keys',
    {
      schema: {
        tags,
        summary:
          'Generate a key pair (ed25519, or rsa 4096) or import a private key; the first key becomes the default',
        body: CreateSshKeyRequest,
        response: { 201: T.Ref(SshKey), ...errors },
      },
    },
    async (request, reply) => {
      await authorize(request, 'keys', 'create');
      const key = await createSshKey({ db, box }, orgActorOf(request), request.body);
      return reply.status(201).send(await sshKeyView(db, key));
    },
  );

  app.get(
    '/api/v1/ssh-keys/:id',
    {
      schema: { tags, summary: 'One SSH key', params: IdParams, response: { 200: T.Ref(SshKey), ...errors } },
    },
    async (request) => {
      const auth = await authorize(request, 'keys', 'read', { id: request.params.id });
      return sshKeyView(db, await repos(db).sshKeys.getInOrg(auth.organizationId, request.params.id));
    },
  );

  app.patch(
    '/api/v1/ssh-keys/:id',
    {
      schema: {
        tags,
        summary: "Rename a key, or make it the organization's default",
        params: IdParams,
        body: UpdateSshKeyRequest,
        response: { 200: T.Ref(SshKey), ...errors },
      },
    },
    async (request) => {
      await authorize(request, 'keys', 'edit', { id: request.params.id });
      return sshKeyView(
        db,
        await updateSshKey({ db, box }, orgActorOf(request), request.params.id, request.body),
      );
    },
  );

  app.delete(
    '/api/v1/ssh-keys/:id',
    {
      schema: {
        tags,
        summary: 'Delete a key; one that machines use is refused (409) unless force=true, which detaches it',
        params: IdParams,
        querystring: DeleteSshKeyQuery,
        response: { 204: T.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await authorize(request, 'keys', 'delete', { id: request.params.id });
      await deleteSshKey({ db, box }, orgActorOf(request), request.params.id, request.query.force === true);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/machines/:id/ssh',
    {
      schema: {
        tags,
        summary: 'The key, user and port the terminal logs in to a machine with',
        params: IdParams,
        response: { 200: MachineSsh, ...errors },
      },
    },
    async (request) => {
      const auth = await authorize(request, 'machines', 'read', { id: request.params.id });
      return machineSshView(db, auth.organizationId, request.params.id);
    },
  );

  app.put(
    '/api/v1/machines/:id/ssh',
    {
      schema: {
        tags,
        summary: 'Associate a key, a user and a port with a machine (null clears one)',
        params: IdParams,
        body: MachineSshRequest,
        response: { 200: MachineSsh, ...errors },
      },
    },
    async (request) => {
      await authorize(request, 'machines', 'edit', { id: request.params.id });
      return setMachineSsh(db, orgActorOf(request), request.params.id, request.body);
    },
  );
}
