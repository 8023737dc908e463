import { QueryClient } from '@tanstack/react-query';
import { ApiError, NetworkError } from './api/errors';

/** Retries only what may succeed on a second try: lost connections and server errors, never 4xx. */
function shouldRetry(failureCount: number, error: unknown): boolean {
  if (failureCount >= 2) return false;
  return error instanceof NetworkError || (error instanceof ApiError && error.status >= 500);
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: shouldRetry },
      mutations: { retry: false },
    },
  });
}
