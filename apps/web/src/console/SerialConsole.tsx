import '@xterm/xterm/css/xterm.css';
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import { useEffect, useRef, useState } from 'react';
import { errorText } from '../api/errors';
import { TERMINAL_THEME } from '../terminal/theme';
import { Button } from '../ui/Button';
import layout from '../ui/layout.module.css';
import screenCss from '../ui/screen.module.css';
import { type ConsoleState, ConsoleStatus } from './ConsoleStatus';
import styles from './console.module.css';
import { consolePreflight, consoleUrl } from './preflight';

/** A machine's serial output in xterm (read-only), followed as it grows unless "Follow" is off. */
export function SerialConsole({ machineId }: { machineId: string }) {
  const screenRef = useRef<HTMLDivElement>(null);
  const termRef = useRef<Terminal | null>(null);
  const followRef = useRef(true);
  const [follow, setFollow] = useState(true);
  const [state, setState] = useState<ConsoleState>('connecting');
  const [problem, setProblem] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const socketRef = useRef<WebSocket | null>(null);

  useEffect(() => {
    const screen = screenRef.current;
    if (!screen) return;
    const term = new Terminal({
      disableStdin: true,
      convertEol: false,
      fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
      fontSize: 13,
      theme: TERMINAL_THEME,
      scrollback: 10000,
    });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(screen);
    fit.fit();
    termRef.current = term;
    const observer = new ResizeObserver(() => {
      try {
        fit.fit();
      } catch {
        // Not laid out yet.
      }
    });
    observer.observe(screen);
    return () => {
      observer.disconnect();
      term.dispose();
      termRef.current = null;
    };
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` is what Reconnect changes to connect again
  useEffect(() => {
    let cancelled = false;
    const term = termRef.current;
    term?.reset();
    setState('connecting');
    setProblem(null);
    const start = async () => {
      try {
        await consolePreflight(machineId);
      } catch (err) {
        if (!cancelled) {
          setState('closed');
          setProblem(errorText(err));
        }
        return;
      }
      if (cancelled) return;
      const socket = new WebSocket(consoleUrl(machineId));
      socket.binaryType = 'arraybuffer';
      socketRef.current = socket;
      socket.onmessage = (event) => {
        if (cancelled) return;
        if (event.data instanceof ArrayBuffer) {
          termRef.current?.write(new Uint8Array(event.data), () => {
            if (followRef.current) termRef.current?.scrollToBottom();
          });
          return;
        }
        try {
          const message = JSON.parse(String(event.data)) as {
            type: string;
            state?: ConsoleState;
            message?: string;
          };
          if (message.type === 'status' && message.state) setState(message.state);
          if (message.type === 'error' && message.message) setProblem(message.message);
        } catch {
          // Not a control message.
        }
      };
      socket.onclose = (event) => {
        if (cancelled) return;
        setState('closed');
        if (event.code >= 4000 && event.reason) setProblem(event.reason);
      };
    };
    void start();
    return () => {
      cancelled = true;
      socketRef.current?.close();
      socketRef.current = null;
    };
  }, [machineId, attempt]);

  const toggleFollow = () => {
    followRef.current = !followRef.current;
    setFollow(followRef.current);
    if (followRef.current) termRef.current?.scrollToBottom();
  };

  return (
    <div className={screenCss.frame}>
      <div className={screenCss.bar}>
        <ConsoleStatus state={state} label="Serial console" />
        <span className={screenCss.tools}>
          <Button size="sm" variant="ghost" onClick={toggleFollow} aria-pressed={follow}>
            Follow
          </Button>
          {state === 'closed' ? (
            <Button size="sm" variant="primary" onClick={() => setAttempt((n) => n + 1)}>
              Reconnect
            </Button>
          ) : (
            <Button size="sm" onClick={() => socketRef.current?.close()}>
              Disconnect
            </Button>
          )}
        </span>
      </div>
      {problem && <p className={`${layout.note} ${styles.problem}`}>{problem}</p>}
      <p className={layout.note}>
        Read-only: the provider keeps what the machine printed on its serial port; new output appears every
        few seconds.
      </p>
      <div ref={screenRef} className={screenCss.screen} data-testid="serial-screen" />
    </div>
  );
}
