import { describe, expect, it } from 'vitest';
import { machineCost, parseCostTag, regionOf, volumeCost } from './compute';

describe('machine cost', () => {
  it('prices AWS and GCE from the shipped tables by zone', () => {
    expect(regionOf('aws', 'us-east-1a')).toBe('us-east-1');
    expect(regionOf('gce', 'us-central1-b')).toBe('us-central1');
    expect(machineCost({ provider: 'aws', size: 't3.micro', location: 'us-east-1c', tags: {} })).toEqual({
      hourly: '0.010400',
      monthly: '7.5920',
      currency: 'USD',
      source: 'table',
      unknownReason: null,
    });
    expect(
      machineCost({ provider: 'gce', size: 'e2-medium', location: 'europe-west1-d', tags: {} })?.monthly,
    ).toBe('26.9195');
  });

  it('an unknown type or region has no cost rather than a guess, and says why', () => {
    expect(machineCost({ provider: 'aws', size: 'x9.mega', location: 'us-east-1a', tags: {} })).toMatchObject(
      {
        monthly: null,
        unknownReason: 'no price for size x9.mega in us-east-1 in the shipped table',
      },
    );
    expect(
      machineCost({ provider: 'aws', size: 't3.micro', location: 'xx-mars-1a', tags: {} }),
    ).toMatchObject({
      monthly: null,
      unknownReason: 'no prices for region xx-mars-1 in the shipped table',
    });
    expect(machineCost({ provider: 'libvirt', size: 'custom', location: 'host1', tags: {} })).toMatchObject({
      monthly: null,
      unknownReason: expect.stringContaining('no machine prices are shipped for KVM'),
    });
  });

  it('prices every size the emulators offer in every region the shipped tables know', () => {
    const ec2 =
      't2.micro t2.small t2.medium t3.nano t3.micro t3.small t3.medium t3.large t3.xlarge t4g.micro t4g.small t4g.medium m5.large m5.xlarge m5.2xlarge m5d.large m6g.large c5.large c5.xlarge c6g.large r5.large r5.xlarge i3.large';
    for (const region of [
      'us-east-1',
      'us-east-2',
      'us-west-2',
      'eu-west-1',
      'eu-central-1',
      'ap-southeast-1',
    ])
      for (const size of ec2.split(' '))
        expect(
          machineCost({ provider: 'aws', size, location: `${region}a`, tags: {} }).unknownReason,
        ).toBeNull();
    const gce =
      'e2-micro e2-small e2-medium e2-standard-2 e2-standard-4 n1-standard-1 n1-standard-2 n2-standard-2 n2-standard-4 c2-standard-4';
    for (const region of [
      'us-central1',
      'us-east1',
      'us-west1',
      'europe-west1',
      'europe-west4',
      'asia-east1',
    ])
      for (const size of gce.split(' '))
        expect(
          machineCost({ provider: 'gce', size, location: `${region}-b`, tags: {} }).unknownReason,
        ).toBeNull();
    expect(
      machineCost({ provider: 'aws', size: 't3.micro', location: 'ap-southeast-1b', tags: {} }).monthly,
    ).toBe('9.6360');
  });

  it('a stopped EC2 or GCE instance bills no compute; a powered-off droplet bills in full', () => {
    const ec2 = { provider: 'aws' as const, size: 't3.micro', location: 'us-east-1a', tags: {} };
    expect(machineCost({ ...ec2, state: 'stopped' })).toMatchObject({ monthly: '0.0000', source: 'stopped' });
    expect(machineCost({ ...ec2, state: 'running' })).toMatchObject({ monthly: '7.5920', source: 'table' });
    expect(
      machineCost({
        provider: 'gce',
        size: 'e2-medium',
        location: 'us-central1-a',
        tags: {},
        state: 'stopped',
      }),
    ).toMatchObject({ monthly: '0.0000', source: 'stopped' });
    expect(
      machineCost({
        provider: 'digitalocean',
        size: 's-1vcpu-1gb',
        location: 'nyc3',
        tags: {},
        state: 'stopped',
        providerMonthly: { amount: '6.00', currency: 'USD' },
      }),
    ).toMatchObject({ monthly: '6.0000', source: 'provider' });
    // A price set by hand is what the person wants counted, stopped or not.
    expect(machineCost({ ...ec2, state: 'stopped', tags: { cost_per_month: '20' } })).toMatchObject({
      monthly: '20.0000',
      source: 'tag',
    });
  });

  it('a deallocated Azure VM bills no compute; one merely stopped bills as if running', () => {
    const vm = {
      provider: 'azure',
      size: 'Standard_B1s',
      location: 'eastus',
      tags: {},
      providerHourly: { amount: '0.0104', currency: 'USD' },
    };
    const running = machineCost({ ...vm, state: 'running', rawState: 'running' });
    expect(running).toMatchObject({ monthly: '7.5920', source: 'provider' });
    expect(machineCost({ ...vm, state: 'stopped', rawState: 'stopped' })).toEqual(running);
    expect(machineCost({ ...vm, state: 'stopped', rawState: 'deallocated' })).toMatchObject({
      monthly: '0.0000',
      source: 'stopped',
    });
    // Released compute costs nothing even where the cloud's price is set by hand.
    expect(
      machineCost({ ...vm, state: 'stopped', rawState: 'deallocated', cloudOverrideMonthly: '30' }).monthly,
    ).toBe('0.0000');
    // The word counts only for a stopped machine, and only for its own provider.
    expect(machineCost({ ...vm, state: 'running', rawState: 'deallocated' }).monthly).toBe('7.5920');
    expect(
      machineCost({ ...vm, provider: 'digitalocean', state: 'stopped', rawState: 'deallocated' }).source,
    ).toBe('provider');
  });

  it('prices volumes per GB-month by disk type and region', () => {
    expect(volumeCost({ provider: 'aws', location: 'us-east-1a', sizeGb: 8, type: 'gp3' })).toMatchObject({
      monthly: '0.6400',
      source: 'table',
    });
    expect(
      volumeCost({ provider: 'aws', location: 'ap-southeast-1c', sizeGb: 100, type: 'gp2' }).monthly,
    ).toBe('12.0000');
    expect(
      volumeCost({ provider: 'gce', location: 'us-central1-a', sizeGb: 10, type: 'pd-balanced' }).monthly,
    ).toBe('1.0000');
    expect(volumeCost({ provider: 'digitalocean', location: 'fra1', sizeGb: 50, type: null }).monthly).toBe(
      '5.0000',
    );
    expect(volumeCost({ provider: 'aws', location: 'us-east-1a', sizeGb: 8, type: 'io9' })).toMatchObject({
      monthly: null,
      unknownReason: 'no price for disk type io9 in us-east-1 in the shipped table',
    });
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
