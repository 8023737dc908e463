import '@xterm/xterm/css/xterm.css';
import { useQuery } from '@tanstack/react-query';
import { Terminal } from '@xterm/xterm';
import { useEffect, useRef, useState } from 'react';
import { useParams } from 'react-router-dom';
import { errorText } from '../api/errors';
import { fetchRecording } from '../api/keys';
import { machineDetailQuery } from '../api/machines';
import { Alert } from '../ui/Alert';
import { Badge } from '../ui/Badge';
import { Button } from '../ui/Button';
import layout from '../ui/layout.module.css';
import { Page } from '../ui/Page';
import screenCss from '../ui/screen.module.css';
import { type Asciicast, parseAsciicast } from './asciicast';
import { TERMINAL_THEME } from './theme';

const SPEEDS = [1, 2, 4, 8];

export function ReplayPage() {
  const { id = '', sessionId = '' } = useParams();
  const machine = useQuery(machineDetailQuery(id));
  const name = machine.data?.machine.name ?? 'Machine';
  const recording = useQuery({
    queryKey: ['shell-sessions', sessionId, 'recording'],
    queryFn: ({ signal }) => fetchRecording(sessionId, signal).then(parseAsciicast),
    staleTime: Number.POSITIVE_INFINITY,
  });

  return (
    <Page title={`Recording · ${name}`} back={{ to: `/machines/${id}`, label: name }} fill>
      {recording.isError ? (
        <Alert>{errorText(recording.error)}</Alert>
      ) : recording.data ? (
        <Player cast={recording.data} />
      ) : (
        <p className={layout.muted}>Loading the recording…</p>
      )}
    </Page>
  );
}

function Player({ cast }: { cast: Asciicast }) {
  const screenRef = useRef<HTMLDivElement>(null);
  const termRef = useRef<Terminal | null>(null);
  const speedRef = useRef(1);
  const [speed, setSpeed] = useState(1);
  const [run, setRun] = useState(0);
  const [done, setDone] = useState(false);

  useEffect(() => {
    const screen = screenRef.current;
    if (!screen) return;
    const term = new Terminal({
      cols: cast.width,
      rows: cast.height,
      disableStdin: true,
      fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
      fontSize: 14,
      theme: TERMINAL_THEME,
    });
    term.open(screen);
    termRef.current = term;
    return () => {
      term.dispose();
      termRef.current = null;
    };
  }, [cast]);

  // Plays from the start on each run; the speed can change while it plays.
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new run (Replay, Skip to end) starts over
  useEffect(() => {
    const term = termRef.current;
    if (!term) return;
    term.reset();
    setDone(false);
    let index = 0;
    let clock = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const step = () => {
      const event = cast.events[index];
      if (!event) {
        setDone(true);
        return;
      }
      const wait = Math.max(0, ((event[0] - clock) * 1000) / speedRef.current);
      timer = setTimeout(() => {
        term.write(event[1]);
        clock = event[0];
        index += 1;
        step();
      }, wait);
    };
    step();
    return () => clearTimeout(timer);
  }, [cast, run]);

  const skipToEnd = () => {
    setRun((r) => r + 1);
    speedRef.current = Number.POSITIVE_INFINITY;
  };

  const total = cast.events.at(-1)?.[0] ?? 0;

  return (
    <div className={screenCss.frame}>
      <div className={screenCss.bar}>
        <span className={screenCss.status} role="status">
          {done ? (
            <Badge tone="muted">Finished</Badge>
          ) : (
            <Badge tone="info" dot="pulse">
              Playing
            </Badge>
          )}
          <span className={layout.muted}>{Math.round(total)} s recorded</span>
        </span>
        <span className={screenCss.tools}>
          {SPEEDS.map((s) => (
            <Button
              key={s}
              size="sm"
              variant={speed === s ? 'primary' : 'ghost'}
              aria-pressed={speed === s}
              onClick={() => {
                speedRef.current = s;
                setSpeed(s);
              }}
            >
              {s}×
            </Button>
          ))}
          <Button size="sm" onClick={skipToEnd}>
            Skip to end
          </Button>
          <Button
            size="sm"
            onClick={() => {
              speedRef.current = speed;
              setRun((r) => r + 1);
            }}
          >
            Replay
          </Button>
        </span>
      </div>
      <div ref={screenRef} className={screenCss.screen} data-testid="replay" />
    </div>
  );
}
