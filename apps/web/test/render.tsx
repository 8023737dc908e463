import type { ResourceKind } from '@overcast/contracts/authz';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactElement, ReactNode } from 'react';
import { MemoryRouter } from 'react-router-dom';
import type { Session } from '../src/api/types';
import { SessionContext } from '../src/auth/SessionContext';

/** A session whose holder has exactly these rights. */
export function sessionWith(
  permissions: Partial<Record<ResourceKind, string[]>>,
  role: Session['role'] = 'member',
): Session {
  return {
    user: { id: 'u1', email: 'ada@example.com', name: 'Ada' },
    organization: { id: 'o1', name: 'Acme', slug: 'acme' },
    role,
    via: 'session',
    permissions,
    totpEnabled: false,
  } as unknown as Session;
}

export function testQueryClient(): QueryClient {
  return new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
}

/** Renders inside what every page has around it: a session, a query client, a router at `route`. */
export function renderWithApp(
  ui: ReactElement,
  { session = sessionWith({}), queryClient = testQueryClient(), route = '/' } = {},
) {
  const wrapper = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={queryClient}>
      <SessionContext.Provider value={session}>
        <MemoryRouter initialEntries={[route]}>{children}</MemoryRouter>
      </SessionContext.Provider>
    </QueryClientProvider>
  );
  return { queryClient, ...render(ui, { wrapper }) };
}
