import { describe, expect, it } from 'vitest';
import { machineCost, parseCostTag, regionOf } from './compute';

describe('machine cost', () => {
  it('prices AWS and GCE from the shipped tables by zone', () => {
    expect(regionOf('aws', 'us-east-1a')).toBe('us-east-1');
    expect(regionOf('gce', 'us-central1-b')).toBe('us-central1');
    expect(machineCost({ provider: 'aws', size: 't3.micro', location: 'us-east-1c', tags: {} })).toEqual({
      hourly: '0.010400',
      monthly: '7.5920',
      currency: 'USD',
      source: 'table',
    });
    expect(
      machineCost({ provider: 'gce', size: 'e2-medium', location: 'europe-west1-d', tags: {} })?.monthly,
    ).toBe('26.9195');
  });

  it('an unknown type or region has no cost rather than a guess', () => {
    expect(machineCost({ provider: 'aws', size: 'x9.mega', location: 'us-east-1a', tags: {} })).toBeNull();
    expect(
      machineCost({ provider: 'aws', size: 't3.micro', location: 'mars-north-1a', tags: {} }),
    ).toBeNull();
  });

  it('precedence: cost_per_month tag, then cloud override, then provider price, then table', () => {
    const base = {
      provider: 'digitalocean' as const,
      size: 's-1vcpu-1gb',
      location: 'nyc3',
      providerMonthly: { amount: '6.00', currency: 'USD' },
    };
    expect(machineCost({ ...base, tags: {} })).toMatchObject({ monthly: '6.0000', source: 'provider' });
    expect(machineCost({ ...base, tags: {}, cloudOverrideMonthly: '9' })).toMatchObject({
      monthly: '9.0000',
      source: 'override',
    });
    expect(
      machineCost({ ...base, tags: { cost_per_month: '$12.5' }, cloudOverrideMonthly: '9' }),
    ).toMatchObject({
      monthly: '12.5000',
      source: 'tag',
    });
  });

  it('reads cost tags people actually write, and nothing else', () => {
    expect(parseCostTag('25')).toBe(25);
    expect(parseCostTag(' 25.50 USD ')).toBe(25.5);
    expect(parseCostTag('$7')).toBe(7);
    expect(parseCostTag('cheap')).toBeNull();
    expect(parseCostTag('-5')).toBeNull();
    expect(parseCostTag(undefined)).toBeNull();
  });
});
