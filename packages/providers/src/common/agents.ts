import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';

/**
 * HTTP and HTTPS agents whose connections resolve names through `lookup` (the caller's outbound
 * guard), so what was checked is what is connected to. Keep-alive, idle sockets closed after
 * 5 s, as Node's global agent.
 */
export function lookupAgents(lookup: LookupFunction): { http: http.Agent; https: https.Agent } {
  return {
    http: new http.Agent({ keepAlive: true, timeout: 5_000, lookup }),
    https: new https.Agent({ keepAlive: true, timeout: 5_000, lookup }),
  };
}
