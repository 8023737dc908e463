import {
  CreateTemplateRequest,
  IdParams,
  ImportTemplateRequest,
  Template,
  TemplateDocument,
  TemplateGallery,
  TemplateGitUpdate,
  TemplateList,
  TemplateValidation,
  TemplateVersionList,
  UpdateTemplateFromGitRequest,
  UpdateTemplateRequest,
  ValidateTemplateRequest,
} from '@overcast/contracts';
import {
  createTemplate,
  deleteTemplate,
  galleryTemplates,
  getTemplate,
  importTemplateFromGit,
  listTemplates,
  listTemplateVersions,
  parseTemplate,
  updateTemplate,
  updateTemplateFromGit,
} from '@overcast/core/stacks';
import { Type as T } from '@sinclair/typebox';
import type { RoutePlugin } from '../context';
import { byId, may } from '../http/authz';
import { orgActorOf } from '../http/caller';
import { itemsInOrg, oneInOrg } from '../http/in-org';
import { changeById, created, NoContent, noContent } from '../http/reply';
import { route } from '../http/route';

/** The template document's JSON Schema, for editors (yaml-language-server) and other tools. */
const SCHEMA_DOCUMENT = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: '/api/v1/templates/schema.json',
  ...TemplateDocument,
};

/** Templates: YAML documents with every version kept; stacks are deployed from them. */
export const templateRoutes: RoutePlugin = (app, ctx) => {
  const { db } = ctx;
  app.get(
    '',
    route("The organization's templates, each at its current version", may('templates', 'read'), {
      response: { 200: TemplateList },
    }),
    async (request) => ({ items: await listTemplates(db, request.caller.organizationId, request.caller) }),
  );

  app.get(
    '/schema.json',
    route('The JSON Schema of a template document', may('templates', 'read'), {
      response: { 200: T.Record(T.String(), T.Unknown()) },
    }),
    async () => SCHEMA_DOCUMENT,
  );

  app.get(
    '/gallery',
    route('The templates Overcast ships, to start a new one from', may('templates', 'read'), {
      response: { 200: TemplateGallery },
    }),
    async () => ({ items: galleryTemplates() }),
  );

  // Reads nothing stored: a source is checked the way saving it would be, for those who write them.
  app.post(
    '/validate',
    route('Check a template source; every problem names its line and field', may('templates', 'create'), {
      body: ValidateTemplateRequest,
      response: { 200: TemplateValidation },
    }),
    async (request) => {
      const parsed = parseTemplate(request.body.source);
      return { valid: parsed.ok, problems: parsed.problems };
    },
  );

  app.post(
    '',
    route('Store a template (version 1)', may('templates', 'create'), {
      body: CreateTemplateRequest,
      response: { 201: Template },
    }),
    async (request, reply) => created(reply, createTemplate(ctx, orgActorOf(request), request.body)),
  );

  app.post(
    '/import',
    route(
      'Import a template from a Git repository: the file at the ref, pinned to its commit (read-only here)',
      may('templates', 'create'),
      { body: ImportTemplateRequest, response: { 201: Template } },
    ),
    async (request, reply) => created(reply, importTemplateFromGit(ctx, orgActorOf(request), request.body)),
  );

  app.get(
    '/:id',
    route('One template at its current version', may('templates', 'read', byId), {
      params: IdParams,
      response: { 200: Template },
    }),
    oneInOrg(db, getTemplate),
  );

  app.patch(
    '/:id',
    route(
      'Rename a template, or save a new source as a new version',
      may('templates', 'edit', byId),
      changeById(UpdateTemplateRequest, Template),
    ),
    async (request) => updateTemplate(ctx, orgActorOf(request), request.params.id, request.body),
  );

  app.post(
    '/:id/update-from-git',
    route(
      "Read an imported template's ref again: a new version when the commit moved",
      may('templates', 'edit', byId),
      changeById(UpdateTemplateFromGitRequest, TemplateGitUpdate),
    ),
    async (request) => updateTemplateFromGit(ctx, orgActorOf(request), request.params.id, request.body),
  );

  app.delete(
    '/:id',
    route(
      'Delete a template and its versions (stacks keep the version they were deployed from)',
      may('templates', 'delete', byId),
      { params: IdParams, response: NoContent },
    ),
    async (request, reply) => noContent(reply, deleteTemplate(ctx, orgActorOf(request), request.params.id)),
  );

  app.get(
    '/:id/versions',
    route('Every version of a template, newest first', may('templates', 'read', byId), {
      params: IdParams,
      response: { 200: TemplateVersionList },
    }),
    itemsInOrg(db, listTemplateVersions),
  );
};
