import { QueryClientProvider } from '@tanstack/react-query';
import { act, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { MemoryRouter } from 'react-router-dom';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { testQueryClient } from '../../../test/render';
import type { Cloud } from '../../api/types';
import { useCreateMachineForm, validate } from './useCreateMachineForm';

const cloud = { id: 'c1', title: 'AWS', provider: 'aws', enabled: true } as Cloud;

/** A stand-in for the API: the catalog, and an answer to the create request. */
function serve(createAnswer: { status: number; body: unknown }) {
  const requests: { url: string; body: unknown }[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      const body = init?.body ? JSON.parse(String(init.body)) : undefined;
      requests.push({ url, body });
      const json = (status: number, value: unknown) =>
        new Response(JSON.stringify(value), { status, headers: { 'Content-Type': 'application/json' } });
      if (url.includes('/locations'))
        return json(200, { items: [{ externalId: 'us-east-1', name: 'Virginia' }] });
      if (url.includes('/sizes'))
        return json(200, {
          items: [
            { externalId: 't3.micro', name: 't3.micro', architectures: ['x86_64'], priceMonthly: '7.59' },
          ],
        });
      if (url.includes('/images'))
        return json(200, { items: [{ externalId: 'ami-1', name: 'Debian 12', architecture: 'x86_64' }] });
      if (url.includes('/ssh-keys')) return json(200, { items: [] });
      if (url.endsWith('/machines')) return json(createAnswer.status, createAnswer.body);
      return json(404, { error: { code: 'not_found', message: 'Not found' } });
    }),
  );
  return requests;
}

function renderForm() {
  const onCreated = vi.fn();
  const queryClient = testQueryClient();
  const wrapper = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={queryClient}>
      <MemoryRouter>{children}</MemoryRouter>
    </QueryClientProvider>
  );
  const view = renderHook(() => useCreateMachineForm([cloud], onCreated), { wrapper });
  return { ...view, onCreated };
}

async function fillIn(form: ReturnType<typeof renderForm>['result']) {
  await waitFor(() => expect(form.current.locations.data).toBeDefined());
  act(() => {
    form.current.set('location', 'us-east-1');
    form.current.set('size', 't3.micro');
    form.current.set('image', 'ami-1');
    form.current.set('name', 'web-1');
    form.current.set('tags', 'env=prod, team=web');
  });
  await waitFor(() => expect(form.current.chosenSize?.externalId).toBe('t3.micro'));
}

beforeEach(() => vi.unstubAllGlobals());
afterEach(() => vi.unstubAllGlobals());

describe('validate', () => {
  it('asks for every choice and a usable name before anything is sent', () => {
    expect(validate({ location: '', size: '', image: '', name: '', tags: '', script: '' })).toEqual({
      location: 'Choose where the machine runs.',
      size: 'Choose a size.',
      image: 'Choose an image.',
      name: 'Give the machine a name.',
    });
    const errors = validate({
      location: 'l',
      size: 's',
      image: 'i',
      name: '-web',
      tags: '=prod',
      script: '',
    });
    expect(Object.keys(errors)).toEqual(['name', 'tags']);
  });
});

describe('useCreateMachineForm', () => {
  it('sends what was chosen, tags parsed, and hands over the new machine', async () => {
    const requests = serve({ status: 202, body: { id: 'm1', name: 'web-1', state: 'pending' } });
    const form = renderForm();
    await fillIn(form.result);
    act(() => form.result.current.submit());
    await waitFor(() => expect(form.onCreated).toHaveBeenCalled());
    const sent = requests.find((r) => r.url.endsWith('/clouds/c1/machines'));
    expect(sent?.body).toEqual({
      name: 'web-1',
      size: 't3.micro',
      image: 'ami-1',
      location: 'us-east-1',
      tags: { env: 'prod', team: 'web' },
    });
  });

  it('sends nothing while a field is wrong, and says which', async () => {
    const requests = serve({ status: 202, body: {} });
    const form = renderForm();
    await waitFor(() => expect(form.result.current.locations.data).toBeDefined());
    act(() => form.result.current.submit());
    expect(form.result.current.errors.location).toBe('Choose where the machine runs.');
    expect(requests.some((r) => r.url.endsWith('/machines'))).toBe(false);
    // Changing an input clears what was said about it.
    act(() => form.result.current.set('location', 'us-east-1'));
    expect(form.result.current.errors.location).toBeUndefined();
  });

  it("puts the API's refusal on the input it names", async () => {
    serve({
      status: 400,
      body: {
        error: { code: 'validation_failed', message: 'The tag value is too long.', field: 'body.tags.env' },
      },
    });
    const form = renderForm();
    await fillIn(form.result);
    act(() => form.result.current.submit());
    await waitFor(() => expect(form.result.current.create.isError).toBe(true));
    expect(form.result.current.errors).toEqual({ tags: 'The tag value is too long.' });
  });

  it('keeps a refusal that names no input for the top of the form', async () => {
    serve({
      status: 422,
      body: { error: { code: 'provider_refused', message: 'Quota exceeded for t3.micro.' } },
    });
    const form = renderForm();
    await fillIn(form.result);
    act(() => form.result.current.submit());
    await waitFor(() => expect(form.result.current.create.isError).toBe(true));
    expect(form.result.current.errors).toEqual({});
    expect(form.result.current.create.error?.message).toBe('Quota exceeded for t3.micro.');
  });
});
