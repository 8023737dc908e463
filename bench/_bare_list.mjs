// The floor under any Node client of DigitalOcean's API: node:http and JSON.parse alone, no SDK,
// no mapping, pages asked one after another as Libcloud asks them. What a fresh Node process
// cannot go below, whatever its driver does.
// Usage: _bare_list.mjs URL TOKEN; prints {"machines", "seconds", "peak_rss_kb"} as the peers do.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';

const [base, token] = process.argv.slice(2);
const client = base.startsWith('https:') ? https : http;
const agent = new client.Agent({ keepAlive: true });

function get(url) {
  return new Promise((done, fail) => {
    client
      .get(
        url,
        { agent, headers: { authorization: `Bearer ${token}`, accept: 'application/json' } },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () =>
            res.statusCode === 200
              ? done(JSON.parse(Buffer.concat(chunks).toString('utf8')))
              : fail(new Error(`${url}: ${res.statusCode}`)),
          );
        },
      )
      .on('error', fail);
  });
}

const start = performance.now();
let machines = 0;
for (let url = `${base}/v2/droplets?page=1&per_page=200`; url; ) {
  const page = await get(url);
  machines += page.droplets.length;
  const next = page.links?.pages?.next;
  url = next ? `${base}${new URL(next).pathname}${new URL(next).search}` : undefined;
}
const seconds = (performance.now() - start) / 1000;
const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
agent.destroy();
console.log(JSON.stringify({ machines, seconds, peak_rss_kb: Number(hwm[1]) }));
