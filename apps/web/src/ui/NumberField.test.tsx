import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { NumberField } from './NumberField';

function Minutes({ initial }: { initial: string }) {
  const [value, setValue] = useState(initial);
  return (
    <>
      <NumberField label="Over (minutes)" min={1} value={value} onChange={setValue} />
      <output>{JSON.stringify(value)}</output>
    </>
  );
}

describe('NumberField', () => {
  it('is a labelled number input that hands back the text typed, an empty field included', async () => {
    render(<Minutes initial="5" />);
    const input = screen.getByLabelText('Over (minutes)');
    expect(input.getAttribute('type')).toBe('number');
    await userEvent.clear(input);
    expect(screen.getByRole('status').textContent).toBe('""');
    await userEvent.type(input, '15');
    expect(screen.getByRole('status').textContent).toBe('"15"');
  });
});
