import { describe, expect, it } from 'vitest';
import { bullConnection } from './queues';

describe('bullConnection', () => {
  it('takes the settings URL apart, since ioredis ignores a url option', () => {
    expect(bullConnection('redis://redis:6380/3')).toEqual({
      host: 'redis',
      port: 6380,
      db: 3,
      maxRetriesPerRequest: null,
    });
    expect(bullConnection('rediss://user:p%40ss@cache.example.com')).toEqual({
      host: 'cache.example.com',
      port: 6379,
      db: 0,
      username: 'user',
      password: 'p@ss',
      tls: {},
      maxRetriesPerRequest: null,
    });
  });
});
