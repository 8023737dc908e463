// The smallest possible web terminal, for `pnpm bench terminal` to compare the api against: a
// WebSocket server in its own process that pipes binary frames to one ssh2 shell and back. No
// database, authorization, recording, timers or flow control: what is left is the cost of one
// more process and the WebSocket framing, which any browser terminal has to pay.

import { connectSsh } from '@overcast/ssh';
import { WebSocketServer } from 'ws';

const { RELAY_SSH_HOST, RELAY_SSH_PORT, RELAY_SSH_USER, RELAY_SSH_KEY } = process.env;

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 }, () => {
  const address = wss.address();
  process.send?.(address && typeof address === 'object' ? address.port : 0);
});

wss.on('connection', async (ws) => {
  const conn = await connectSsh({
    host: RELAY_SSH_HOST!,
    port: Number(RELAY_SSH_PORT),
    username: RELAY_SSH_USER!,
    privateKey: RELAY_SSH_KEY!,
  });
  const shell = await conn.shell({ cols: 120, rows: 40 });
  shell.on('data', (chunk: Buffer) => ws.send(chunk, { binary: true }));
  ws.on('message', (data: Buffer) => shell.write(data));
  ws.on('close', () => void conn.close());
  ws.send(JSON.stringify({ type: 'status', state: 'connected' }));
});
