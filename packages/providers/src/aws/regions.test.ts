import { liveHeapMb } from '@overcast/test-kit';
import { describe, expect, it } from 'vitest';
import type { Ec2Api } from './api';
import { readConfig } from './config';
import { RegionDirectory } from './regions';

describe('RegionDirectory', () => {
  it('remembering the ids of a listing does not keep the pages they were read from', async () => {
    // No call reaches EC2: every id asked for was seen in the listing.
    const directory = new RegionDirectory({} as Ec2Api, readConfig({ regions: ['us-east-1', 'eu-west-1'] }));
    const before = liveHeapMb();
    const idOf = (page: number) => `i-${page.toString(16).padStart(17, '0')}`;
    for (let page = 0; page < 30; page++) {
      // A 3 MB response body, and ids that are slices of it, as the SDK's XML parser hands them out.
      const body = new TextDecoder().decode(Buffer.alloc(3_000_000, idOf(page)));
      for (let i = 0; i < 1_000; i++) {
        directory.remember(body.slice(i * 19, i * 19 + 19), page % 2 ? 'eu-west-1' : 'us-east-1');
      }
    }
    // 30 bodies (90 MB) would stay alive through the remembered slices.
    expect(liveHeapMb() - before).toBeLessThan(20);
    expect(await directory.regionOfInstance(idOf(0))).toBe('us-east-1');
    expect(await directory.regionOfInstance(idOf(1))).toBe('eu-west-1');
  });
});
