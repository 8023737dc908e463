import '@xterm/xterm/css/xterm.css';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import { useParams } from 'react-router-dom';
import { api } from '../api/client';
import { errorText } from '../api/errors';
import { shellSessionsQuery } from '../api/keys';
import { machineDetailQuery } from '../api/machines';
import type { ShellServerMessage } from '../api/types';
import { usePermissions } from '../auth/permissions';
import { Alert } from '../ui/Alert';
import { Badge } from '../ui/Badge';
import { Button } from '../ui/Button';
import layout from '../ui/layout.module.css';
import { Page } from '../ui/Page';
import screenCss from '../ui/screen.module.css';
import { TextField } from '../ui/TextField';
import { shellErrorText } from './shellErrors';
import styles from './terminal.module.css';
import { TERMINAL_THEME } from './theme';

type Phase = 'connecting' | 'connected' | 'closed';

interface ShellError {
  code: string;
  message: string;
  expectedFingerprint?: string;
  actualFingerprint?: string;
}

interface HostKey {
  algorithm: string;
  fingerprint: string;
  firstUse: boolean;
}

function shellUrl(machineId: string, cols: number, rows: number): string {
  const protocol = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${protocol}//${window.location.host}/api/v1/machines/${machineId}/shell?cols=${cols}&rows=${rows}`;
}

export function TerminalPage() {
  const { id = '' } = useParams();
  const machine = useQuery(machineDetailQuery(id));
  const permissions = usePermissions();
  const queryClient = useQueryClient();
  const name = machine.data?.machine.name ?? 'Machine';

  const frameRef = useRef<HTMLDivElement>(null);
  const screenRef = useRef<HTMLDivElement>(null);
  const termRef = useRef<Terminal | null>(null);
  const socketRef = useRef<WebSocket | null>(null);

  const [phase, setPhase] = useState<Phase>('connecting');
  const [reason, setReason] = useState<string | null>(null);
  const [error, setError] = useState<ShellError | null>(null);
  const [hostKey, setHostKey] = useState<HostKey | null>(null);
  const [needsPassword, setNeedsPassword] = useState(false);
  const [password, setPassword] = useState('');
  const [accepting, setAccepting] = useState(false);
  const [fullScreen, setFullScreen] = useState(false);

  const send = useCallback((message: object) => {
    const socket = socketRef.current;
    if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }, []);

  const connect = useCallback(() => {
    const term = termRef.current;
    if (!term) return;
    const previous = socketRef.current;
    socketRef.current = null;
    previous?.close();
    term.reset();
    setPhase('connecting');
    setReason(null);
    setError(null);
    setNeedsPassword(false);

    const socket = new WebSocket(shellUrl(id, term.cols, term.rows));
    socket.binaryType = 'arraybuffer';
    socketRef.current = socket;
    const current = () => socketRef.current === socket;

    socket.onmessage = (event) => {
      if (!current()) return;
      if (event.data instanceof ArrayBuffer) {
        term.write(new Uint8Array(event.data));
        return;
      }
      let message: ShellServerMessage;
      try {
        message = JSON.parse(String(event.data)) as ShellServerMessage;
      } catch {
        return;
      }
      if (message.type === 'status') {
        setPhase(message.state);
        if (message.reason) setReason(message.reason);
        if (message.hostKey) setHostKey(message.hostKey);
        if (message.state === 'connected') {
          setNeedsPassword(false);
          term.focus();
        }
      } else {
        setError({
          code: message.code,
          message: message.message,
          expectedFingerprint: message.expectedFingerprint,
          actualFingerprint: message.actualFingerprint,
        });
        if (message.code === 'password_required') setNeedsPassword(true);
      }
    };
    socket.onclose = (event) => {
      if (!current()) return;
      setPhase('closed');
      setReason((known) => known ?? (event.reason || null));
      void queryClient.invalidateQueries({ queryKey: shellSessionsQuery(id).queryKey });
    };
  }, [id, queryClient]);

  // One xterm for the page's life; each connection reuses it.
  useEffect(() => {
    const screen = screenRef.current;
    if (!screen) return;
    const term = new Terminal({
      cursorBlink: true,
      fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
      fontSize: 14,
      theme: TERMINAL_THEME,
      scrollback: 5000,
    });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(screen);
    fit.fit();
    termRef.current = term;

    const encoder = new TextEncoder();
    const input = term.onData((data) => {
      const socket = socketRef.current;
      if (socket?.readyState === WebSocket.OPEN) socket.send(encoder.encode(data));
    });
    const binary = term.onBinary((data) => {
      const socket = socketRef.current;
      if (socket?.readyState !== WebSocket.OPEN) return;
      const bytes = Uint8Array.from(data, (c) => c.charCodeAt(0) & 0xff);
      socket.send(bytes);
    });
    const resized = term.onResize(({ cols, rows }) => {
      const socket = socketRef.current;
      if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: 'resize', cols, rows }));
    });
    const observer = new ResizeObserver(() => {
      try {
        fit.fit();
      } catch {
        // Not laid out (hidden): the next resize fits it.
      }
    });
    observer.observe(screen);
    connect();

    return () => {
      observer.disconnect();
      input.dispose();
      binary.dispose();
      resized.dispose();
      const socket = socketRef.current;
      socketRef.current = null;
      socket?.close();
      term.dispose();
      termRef.current = null;
    };
  }, [connect]);

  useEffect(() => {
    const onChange = () => setFullScreen(document.fullscreenElement === frameRef.current);
    document.addEventListener('fullscreenchange', onChange);
    return () => document.removeEventListener('fullscreenchange', onChange);
  }, []);

  const toggleFullScreen = () => {
    if (document.fullscreenElement) void document.exitFullscreen();
    else void frameRef.current?.requestFullscreen().catch(() => {});
    termRef.current?.focus();
  };

  const disconnect = () => {
    socketRef.current?.close();
  };

  const submitPassword = (event: FormEvent) => {
    event.preventDefault();
    send({ type: 'auth', password });
    setPassword('');
    setNeedsPassword(false);
    setError(null);
  };

  const acceptHostKey = async () => {
    const fingerprint = error?.actualFingerprint;
    if (!fingerprint) return;
    if (socketRef.current?.readyState === WebSocket.OPEN) {
      send({ type: 'accept-host-key', fingerprint });
      setError(null);
      return;
    }
    setAccepting(true);
    try {
      await api.post(`/machines/${id}/host-keys/accept`, { fingerprint });
      connect();
    } catch (cause) {
      setError({ code: 'accept_failed', message: errorText(cause) });
    } finally {
      setAccepting(false);
    }
  };

  const copySelection = async () => {
    const text = termRef.current?.getSelection();
    if (text) await navigator.clipboard.writeText(text).catch(() => {});
    termRef.current?.focus();
  };

  const paste = async () => {
    const text = await navigator.clipboard.readText().catch(() => '');
    if (text) termRef.current?.paste(text);
    termRef.current?.focus();
  };

  const described = error ? shellErrorText(error.code, error.message) : null;

  return (
    <Page
      title={`Terminal · ${name}`}
      back={{ to: `/machines/${id}`, label: name }}
      fill
      actions={
        <Button
          onClick={() => window.open(window.location.href, '_blank', 'noopener')}
          title="Opens another terminal on this machine in a new browser tab"
        >
          New tab
        </Button>
      }
    >
      {described && error && (
        <Alert>
          <div className={layout.stackSmall}>
            <strong>{described.title}</strong>
            <span>{described.hint}</span>
            {error.message && described.hint !== error.message && (
              <span className={layout.muted}>{error.message}</span>
            )}
            {error.code === 'host_key_changed' && (
              <>
                <span>
                  Expected: <code className={layout.mono}>{error.expectedFingerprint ?? 'unknown'}</code>
                </span>
                <span>
                  Presented: <code className={layout.mono}>{error.actualFingerprint ?? 'unknown'}</code>
                </span>
                {permissions.manageOrganization ? (
                  error.actualFingerprint && (
                    <span>
                      <Button
                        size="sm"
                        variant="danger"
                        busy={accepting}
                        onClick={() => void acceptHostKey()}
                      >
                        Accept new key
                      </Button>
                    </span>
                  )
                ) : (
                  <span>Ask an admin to check the machine and accept its new key.</span>
                )}
              </>
            )}
          </div>
        </Alert>
      )}
      {needsPassword && phase !== 'closed' && (
        <form className={styles.inlineForm} onSubmit={submitPassword}>
          <TextField
            label="Password"
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            autoComplete="off"
            required
          />
          <Button type="submit" variant="primary">
            Log in
          </Button>
        </form>
      )}
      <div ref={frameRef} className={screenCss.frame}>
        <div className={screenCss.bar}>
          <span className={screenCss.status} role="status" aria-label="Connection">
            {phase === 'connecting' && (
              <Badge tone="info" dot="pulse">
                Connecting…
              </Badge>
            )}
            {phase === 'connected' && (
              <Badge tone="success" dot>
                Connected
              </Badge>
            )}
            {phase === 'closed' && (
              <Badge tone="muted" dot>
                Closed
              </Badge>
            )}
            {phase === 'closed' && reason && <span className={layout.muted}>{reason}</span>}
            {hostKey && (
              <span className={layout.muted}>
                {hostKey.firstUse ? 'Host key pinned on first connection: ' : 'Host key: '}
                <code className={layout.mono}>
                  {hostKey.algorithm} {hostKey.fingerprint}
                </code>
              </span>
            )}
          </span>
          <span className={screenCss.tools}>
            <Button size="sm" variant="ghost" onClick={() => void copySelection()}>
              Copy
            </Button>
            <Button size="sm" variant="ghost" onClick={() => void paste()}>
              Paste
            </Button>
            <Button size="sm" variant="ghost" onClick={toggleFullScreen} aria-pressed={fullScreen}>
              {fullScreen ? 'Exit full screen' : 'Full screen'}
            </Button>
            {phase === 'closed' ? (
              <Button size="sm" variant="primary" onClick={connect}>
                Reconnect
              </Button>
            ) : (
              <Button size="sm" onClick={disconnect}>
                Disconnect
              </Button>
            )}
          </span>
        </div>
        <div ref={screenRef} className={screenCss.screen} data-testid="terminal" />
      </div>
    </Page>
  );
}
