import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { api } from './client';
import { stackKeys } from './stacks';
import type {
  CreateTemplateRequest,
  GalleryTemplate,
  ImportTemplateRequest,
  ListOf,
  Template,
  TemplateGitUpdate,
  TemplateValidation,
  TemplateVersion,
  UpdateTemplateFromGitRequest,
  UpdateTemplateRequest,
} from './types';

export const templatesQuery = queryOptions({
  queryKey: stackKeys.templates(),
  queryFn: ({ signal }) => api.get<ListOf<Template>>('/templates', { signal }).then((r) => r.items),
  staleTime: 30_000,
});

export const templateQuery = (id: string) =>
  queryOptions({
    queryKey: stackKeys.template(id),
    queryFn: ({ signal }) => api.get<Template>(`/templates/${id}`, { signal }),
    staleTime: 30_000,
  });

/** Every version, newest first. */
export const templateVersionsQuery = (id: string) =>
  queryOptions({
    queryKey: stackKeys.templateVersions(id),
    queryFn: ({ signal }) =>
      api.get<ListOf<TemplateVersion>>(`/templates/${id}/versions`, { signal }).then((r) => r.items),
    staleTime: 30_000,
  });

/** The templates Overcast ships; they change only with Overcast itself. */
export const galleryQuery = queryOptions({
  queryKey: stackKeys.gallery(),
  queryFn: ({ signal }) =>
    api.get<ListOf<GalleryTemplate>>('/templates/gallery', { signal }).then((r) => r.items),
  staleTime: Number.POSITIVE_INFINITY,
});

/** The problems of a source, as saving it would find them; the last answer stays while the next is asked. */
export const templateCheckQuery = (source: string) =>
  queryOptions({
    queryKey: stackKeys.templateCheck(source),
    queryFn: ({ signal }) => api.post<TemplateValidation>('/templates/validate', { source }, { signal }),
    staleTime: Number.POSITIVE_INFINITY,
    // Keyed by the whole source: answers for sources typed a while ago are let go soon.
    gcTime: 60_000,
    placeholderData: keepPreviousData,
    retry: false,
  });

export const createTemplate = (body: CreateTemplateRequest) => api.post<Template>('/templates', body);
export const updateTemplate = (id: string, body: UpdateTemplateRequest) =>
  api.patch<Template>(`/templates/${id}`, body);

/** The file at a ref of a Git repository, pinned to the commit it resolves to. */
export const importTemplate = (body: ImportTemplateRequest) => api.post<Template>('/templates/import', body);
/** Reads the template's ref again; a new version only when the commit moved. */
export const updateTemplateFromGit = (id: string, body: UpdateTemplateFromGitRequest = {}) =>
  api.post<TemplateGitUpdate>(`/templates/${id}/update-from-git`, body);
