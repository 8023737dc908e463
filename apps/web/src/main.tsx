import './styles/tokens.css';
import './styles/base.css';
import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router-dom';
import { onUnauthorized } from './api/client';
import { endSession, sessionQuery } from './auth/session';
import { AppCrash } from './errors/AppCrash';
import { ErrorBoundary } from './errors/ErrorBoundary';
import { createQueryClient } from './queryClient';
import { createRouter } from './router';
import { watchTheme } from './theme/theme';

watchTheme();

const queryClient = createQueryClient();
// Any call that finds the session gone sends the user to log in, then back to the same page.
onUnauthorized(() => endSession(queryClient, 'expired'));
// Who is signed in is asked at once, alongside loading the first page's code.
void queryClient.prefetchQuery(sessionQuery);

const router = createRouter(queryClient);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ErrorBoundary fallback={(error) => <AppCrash error={error} />}>
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </ErrorBoundary>
  </StrictMode>,
);
