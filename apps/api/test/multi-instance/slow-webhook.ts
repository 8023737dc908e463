import { createServer } from 'node:http';

/**
 * A webhook receiver on loopback that takes its time to answer, so a schedule's firing is
 * caught in the middle of its action. It closes each connection after answering: an established
 * connection to it is a delivery in flight.
 */
export async function startSlowWebhook(answerAfterMs: number) {
  const received: { at: number; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      received.push({ at: Date.now(), body });
      setTimeout(() => {
        res.writeHead(204, { connection: 'close' });
        res.end();
      }, answerAfterMs);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    port,
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
