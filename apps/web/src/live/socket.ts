import type { StreamEvent } from '../api/types';

export type LiveStatus = 'connecting' | 'live' | 'offline';

interface LiveSocketOptions {
  onEvent: (event: StreamEvent) => void;
  onStatus: (status: LiveStatus) => void;
  /**
   * The stream is (again) subscribed. What the page read before this moment, on first load as
   * after a break, may have missed events sent while no stream was listening.
   */
  onSubscribed: () => void;
}

const MAX_DELAY_MS = 30_000;

export function streamUrl(): string {
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${window.location.host}/api/v1/stream`;
}

/**
 * The event stream (GET /api/v1/stream), kept open: reconnects with growing delays after a
 * break, at once when the browser comes back online or the tab is shown again.
 */
export function openLiveSocket({ onEvent, onStatus, onSubscribed }: LiveSocketOptions): () => void {
  let socket: WebSocket | null = null;
  let attempt = 0;
  let everConnected = false;
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const connect = () => {
    clearTimeout(timer);
    if (closed || (socket && socket.readyState <= WebSocket.OPEN)) return;
    onStatus('connecting');
    const ws = new WebSocket(streamUrl());
    socket = ws;
    ws.onmessage = (message) => {
      let event: StreamEvent | { type: 'hello' };
      try {
        event = JSON.parse(String(message.data));
      } catch {
        return;
      }
      if (event.type === 'hello') {
        attempt = 0;
        onStatus('live');
        everConnected = true;
        onSubscribed();
        return;
      }
      onEvent(event);
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      if (closed) return;
      onStatus(everConnected ? 'offline' : 'connecting');
      const delay = Math.min(MAX_DELAY_MS, 1000 * 2 ** attempt) * (0.75 + Math.random() * 0.5);
      attempt += 1;
      timer = setTimeout(connect, delay);
    };
  };

  const retryNow = () => {
    if (!socket && !closed) {
      attempt = 0;
      connect();
    }
  };
  const onVisible = () => {
    if (document.visibilityState === 'visible') retryNow();
  };
  window.addEventListener('online', retryNow);
  document.addEventListener('visibilitychange', onVisible);
  connect();

  return () => {
    closed = true;
    clearTimeout(timer);
    window.removeEventListener('online', retryNow);
    document.removeEventListener('visibilitychange', onVisible);
    socket?.close(1000, 'page closed');
    socket = null;
  };
}
