import { queryOptions } from '@tanstack/react-query';
import { api } from './client';
import type { ActionLinkPreview, ActionLinkResult } from './types';

// The token goes in the body: a URL with it would end up in logs.

export const actionLinkKeys = {
  preview: (token: string) => ['action-link', token] as const,
};

export const actionLinkPreviewQuery = (token: string) =>
  queryOptions({
    queryKey: actionLinkKeys.preview(token),
    queryFn: ({ signal }) => api.post<ActionLinkPreview>('/action-links/preview', { token }, { signal }),
    // A link is looked at once; asking again after it is used would only say "used".
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });

export const redeemActionLink = (token: string) =>
  api.post<ActionLinkResult>('/action-links/redeem', { token });
