import { act, fireEvent, render, screen } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router-dom';
import { describe, expect, it } from 'vitest';
import { type FilterChanges, useMachineFilters } from './filters';

// The Machines route has a loader, so a change of the URL renders only after it ran: a
// second change made in between must build on the first, not on the page as last rendered.
function Filters() {
  const [filters, setFilters] = useMachineFilters();
  const button = (name: string, changes: FilterChanges) => (
    <button type="button" onClick={() => setFilters(changes)}>
      {name}
    </button>
  );
  return (
    <>
      <output aria-label="filters">{JSON.stringify(filters)}</output>
      {button('Clear', { q: '', cloud: '', state: '', provider: '', tag: '', owner: '' })}
      {button('Amazon EC2', { provider: 'aws' })}
      {button('Stopped', { state: 'stopped' })}
    </>
  );
}

// The first render waits for the loader; nothing to show meanwhile.
const NoFallback = () => null;

function renderAt(url: string) {
  const router = createMemoryRouter(
    [{ path: '/machines', element: <Filters />, loader: () => null, HydrateFallback: NoFallback }],
    {
      initialEntries: [url],
    },
  );
  render(<RouterProvider router={router} />);
  return router;
}

const settled = () => act(() => new Promise((resolve) => setTimeout(resolve, 20)));

describe('machine filters in the URL', () => {
  it('a filter chosen right after Clear is not applied to the cleared search', async () => {
    const router = renderAt('/machines?q=droplet-00000&owner=me');
    await settled();
    expect(screen.getByLabelText('filters').textContent).toBe('{"q":"droplet-00000","owner":"me"}');

    // Both clicks land before the first navigation has rendered.
    fireEvent.click(screen.getByRole('button', { name: 'Clear' }));
    fireEvent.click(screen.getByRole('button', { name: 'Amazon EC2' }));
    await settled();

    expect(router.state.location.search).toBe('?provider=aws');
    expect(screen.getByLabelText('filters').textContent).toBe('{"provider":"aws"}');
  });

  it('changes in a row all reach the URL, and the back of the URL wins over an old change', async () => {
    const router = renderAt('/machines');
    await settled();
    fireEvent.click(screen.getByRole('button', { name: 'Amazon EC2' }));
    fireEvent.click(screen.getByRole('button', { name: 'Stopped' }));
    await settled();
    expect(new URLSearchParams(router.state.location.search).get('provider')).toBe('aws');
    expect(new URLSearchParams(router.state.location.search).get('state')).toBe('stopped');

    // A navigation from elsewhere (a link, the back button) replaces the query; the next change builds on it.
    await act(() => router.navigate('/machines?tag=team%3Dweb'));
    fireEvent.click(screen.getByRole('button', { name: 'Stopped' }));
    await settled();
    expect(router.state.location.search).toBe('?tag=team%3Dweb&state=stopped');
  });
});
