import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { renderWithApp, sessionWith } from '../../test/render';
import { useCreateButton } from './useCreateButton';

function Header({ onCreate }: { onCreate: () => void }) {
  return <header>{useCreateButton('rules', 'New rule', onCreate)}</header>;
}

describe('useCreateButton', () => {
  it('offers the button to someone who may create the kind, and runs its action', async () => {
    const create = vi.fn();
    renderWithApp(<Header onCreate={create} />, { session: sessionWith({ rules: ['read', 'create'] }) });
    await userEvent.click(screen.getByRole('button', { name: 'New rule' }));
    expect(create).toHaveBeenCalledOnce();
  });

  it('shows nothing to someone who may only read the kind', () => {
    renderWithApp(<Header onCreate={() => undefined} />, { session: sessionWith({ rules: ['read'] }) });
    expect(screen.queryByRole('button')).toBeNull();
  });
});
