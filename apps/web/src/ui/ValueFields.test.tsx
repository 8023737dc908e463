import { fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { DateTimeField, NumberField } from './ValueFields';

function Minutes({ initial }: { initial: string }) {
  const [value, setValue] = useState(initial);
  return (
    <>
      <NumberField label="Over (minutes)" min={1} value={value} onChange={setValue} />
      <output>{JSON.stringify(value)}</output>
    </>
  );
}

function Starts() {
  const [value, setValue] = useState('');
  return (
    <>
      <DateTimeField label="Starts" aside="optional" value={value} onChange={setValue} />
      <output>{JSON.stringify(value)}</output>
    </>
  );
}

describe('value fields', () => {
  it('is a labelled number input that hands back the text typed, an empty field included', async () => {
    render(<Minutes initial="5" />);
    const input = screen.getByLabelText('Over (minutes)');
    expect(input.getAttribute('type')).toBe('number');
    await userEvent.clear(input);
    expect(screen.getByRole('status').textContent).toBe('""');
    await userEvent.type(input, '15');
    expect(screen.getByRole('status').textContent).toBe('"15"');
  });

  it('is a local date and time input that hands back what was picked', () => {
    render(<Starts />);
    const input = screen.getByLabelText(/Starts/);
    expect(input.getAttribute('type')).toBe('datetime-local');
    fireEvent.change(input, { target: { value: '2026-12-24T18:30' } });
    expect(screen.getByRole('status').textContent).toBe('"2026-12-24T18:30"');
  });
});
