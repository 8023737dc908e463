import type RFB from '@novnc/novnc/lib/rfb';
import { useCallback, useEffect, useRef, useState } from 'react';
import { errorText } from '../api/errors';
import { Button } from '../ui/Button';
import layout from '../ui/layout.module.css';
import screenCss from '../ui/screen.module.css';
import { type ConsoleState, ConsoleStatus } from './ConsoleStatus';
import styles from './console.module.css';
import { consolePreflight, consoleUrl } from './preflight';

/** A libvirt machine's screen through noVNC (its own lazily loaded chunk), scaled to fit. */
export function GraphicalConsole({ machineId }: { machineId: string }) {
  const frameRef = useRef<HTMLDivElement>(null);
  const screenRef = useRef<HTMLDivElement>(null);
  const rfbRef = useRef<RFB | null>(null);
  const [state, setState] = useState<ConsoleState>('connecting');
  const [problem, setProblem] = useState<string | null>(null);
  const [fullScreen, setFullScreen] = useState(false);
  const [attempt, setAttempt] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` is what Reconnect changes to connect again
  useEffect(() => {
    let cancelled = false;
    setState('connecting');
    setProblem(null);
    const start = async () => {
      try {
        await consolePreflight(machineId);
        const loaded = await import('@novnc/novnc/lib/rfb');
        // noVNC's lib is CommonJS: the bundle's default export is its exports object.
        const RFBClient =
          (loaded.default as unknown as { default?: typeof loaded.default }).default ?? loaded.default;
        const screen = screenRef.current;
        if (cancelled || !screen) return;
        const rfb = new RFBClient(screen, consoleUrl(machineId));
        rfb.scaleViewport = true;
        rfb.resizeSession = false;
        rfb.background = '#101418';
        rfb.addEventListener('connect', () => {
          if (!cancelled) setState('connected');
        });
        rfb.addEventListener('disconnect', (event) => {
          if (cancelled) return;
          const clean = (event as CustomEvent<{ clean: boolean }>).detail?.clean;
          setState('closed');
          if (!clean)
            setProblem(
              'The connection to the console was lost. The machine may have stopped, or your access changed; reconnect to try again.',
            );
        });
        rfb.addEventListener('securityfailure', (event) => {
          const reason = (event as CustomEvent<{ reason?: string }>).detail?.reason;
          setProblem(`The VNC server refused the connection${reason ? `: ${reason}` : ''}.`);
        });
        rfbRef.current = rfb;
      } catch (err) {
        if (cancelled) return;
        setState('closed');
        setProblem(errorText(err));
      }
    };
    void start();
    return () => {
      cancelled = true;
      rfbRef.current?.disconnect();
      rfbRef.current = null;
    };
  }, [machineId, attempt]);

  useEffect(() => {
    const onChange = () => setFullScreen(document.fullscreenElement === frameRef.current);
    document.addEventListener('fullscreenchange', onChange);
    return () => document.removeEventListener('fullscreenchange', onChange);
  }, []);

  const toggleFullScreen = useCallback(() => {
    if (document.fullscreenElement) void document.exitFullscreen();
    else void frameRef.current?.requestFullscreen().catch(() => {});
    rfbRef.current?.focus();
  }, []);

  return (
    <div ref={frameRef} className={screenCss.frame}>
      <div className={screenCss.bar}>
        <ConsoleStatus state={state} label="Graphical console" />
        <span className={screenCss.tools}>
          <Button
            size="sm"
            variant="ghost"
            disabled={state !== 'connected'}
            onClick={() => rfbRef.current?.sendCtrlAltDel()}
          >
            Ctrl-Alt-Del
          </Button>
          <Button size="sm" variant="ghost" onClick={toggleFullScreen} aria-pressed={fullScreen}>
            {fullScreen ? 'Exit full screen' : 'Full screen'}
          </Button>
          {state === 'closed' ? (
            <Button size="sm" variant="primary" onClick={() => setAttempt((n) => n + 1)}>
              Reconnect
            </Button>
          ) : (
            <Button size="sm" onClick={() => rfbRef.current?.disconnect()}>
              Disconnect
            </Button>
          )}
        </span>
      </div>
      {problem && <p className={`${layout.note} ${styles.problem}`}>{problem}</p>}
      <div ref={screenRef} className={screenCss.screen} data-testid="vnc-screen" data-console-state={state} />
    </div>
  );
}
