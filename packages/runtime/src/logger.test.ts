import { describe, expect, it } from 'vitest';
import { redactUrl } from './logger';

describe('redactUrl', () => {
  it('blanks an action link token in the path and inside a login redirect', () => {
    expect(redactUrl('/act/v1.abc.def')).toBe('/act/[redacted]');
    expect(redactUrl('/login?next=%2Fact%2Fv1.abc.def')).toBe('/login?next=%2Fact%2F[redacted]');
    expect(redactUrl('/activity?page=2')).toBe('/activity?page=2');
    expect(redactUrl('/x?token=s3cret')).toBe('/x?token=[redacted]');
  });
});
