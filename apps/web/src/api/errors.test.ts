import { describe, expect, it } from 'vitest';
import { ApiError, errorField } from './errors';

const refused = (field: string | null) => new ApiError(400, 'validation_failed', 'Bad value', null, field);

describe('errorField', () => {
  const fields = ['name', 'tags', 'sizeGb'] as const;

  it('finds the form input an error names, whatever part of the request it came in', () => {
    expect(errorField(refused('body.name'), fields)).toBe('name');
    expect(errorField(refused('query.sizeGb'), fields)).toBe('sizeGb');
  });

  it('gives a nested field to the input that holds it', () => {
    expect(errorField(refused('body.tags.env'), fields)).toBe('tags');
    expect(errorField(refused('body.tags[2]'), fields)).toBe('tags');
  });

  it('claims nothing for a field the form lacks, a mere prefix, or no field at all', () => {
    expect(errorField(refused('body.region'), fields)).toBeNull();
    expect(errorField(refused('body.names'), fields)).toBeNull();
    expect(errorField(refused(null), fields)).toBeNull();
    expect(errorField(new Error('boom'), fields)).toBeNull();
  });
});
