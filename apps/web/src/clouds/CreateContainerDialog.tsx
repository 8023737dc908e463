import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type ChangeEvent, type FormEvent, useRef, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { imagesQuery } from '../api/clouds';
import { createContainer } from '../api/containers';
import { errorText } from '../api/errors';
import { machineKeys } from '../api/machines';
import type { Cloud, ContainerCreateLine, CreateContainerRequest } from '../api/types';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { Dialog } from '../ui/Dialog';
import { SelectField, TextAreaField } from '../ui/Field';
import layout from '../ui/layout.module.css';
import { TextField } from '../ui/TextField';
import { toast } from '../ui/toast';
import styles from './clouds.module.css';

type Restart = NonNullable<CreateContainerRequest['restartPolicy']>;

/** "a 'b c' d" -> ["a", "b c", "d"]: the command as a shell would split it, without running one. */
export function splitCommand(text: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(m[1] ?? m[2] ?? m[3] ?? '');
  return out;
}

/** KEY=value lines; returns the first bad line's number instead when one has no "=". */
export function parsePairs(text: string): Record<string, string> | number {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (!line) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) return i + 1;
    out[line.slice(0, eq).trim()] = line.slice(eq + 1);
  }
  return out;
}

const list = (text: string) =>
  text
    .split(/[\n,]+/)
    .map((s) => s.trim())
    .filter(Boolean);

interface Progress {
  status: string;
  current: number;
  total: number;
}

/** A container on a Docker engine: image, name, command, env, ports, volumes, restart, labels. */
export function CreateContainerDialog({ cloud, onClose }: { cloud: Cloud; onClose: () => void }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  // The engine's own images, offered as suggestions; any other reference is pulled.
  const images = useQuery(imagesQuery(cloud.id));
  const [values, setValues] = useState({
    image: '',
    name: '',
    command: '',
    ports: '',
    volumes: '',
    env: '',
    labels: '',
    restartPolicy: 'no' as Restart,
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<Progress | null>(null);
  const layers = useRef(new Map<string, { current: number; total: number }>());
  // An input shows its value and its error, and writes back, under its key.
  const bind = (name: keyof typeof values) => ({
    value: values[name],
    error: errors[name],
    onChange: (event: ChangeEvent<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>) =>
      setValues((v) => ({ ...v, [name]: event.target.value })),
  });

  function onLine(line: ContainerCreateLine) {
    if (line.type === 'progress') {
      if (line.layer && line.total)
        layers.current.set(line.layer, { current: line.current ?? 0, total: line.total });
      const all = [...layers.current.values()];
      setProgress({
        status: line.layer ? `${line.status} ${line.layer}` : line.status,
        current: all.reduce((n, l) => n + l.current, 0),
        total: all.reduce((n, l) => n + l.total, 0),
      });
    } else if (line.type === 'done') {
      void queryClient.invalidateQueries({ queryKey: machineKeys.all });
      toast.success(`${line.name} is created`, { description: `On ${cloud.title}` });
      onClose();
      navigate(`/machines/${line.machineId}`);
    } else {
      setFailure(line.error.message);
    }
  }

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    const next: Record<string, string> = {};
    if (!values.image.trim()) next.image = 'Enter the image, e.g. nginx:1.27.';
    else if (/\s/.test(values.image.trim())) next.image = 'An image reference has no spaces.';
    if (values.name.trim() && !/^[A-Za-z0-9][A-Za-z0-9_.-]+$/.test(values.name.trim()))
      next.name = 'Letters, digits, _ . and -, starting with a letter or digit.';
    const env = parsePairs(values.env);
    if (typeof env === 'number') next.env = `Line ${env}: write NAME=value.`;
    const labels = parsePairs(values.labels);
    if (typeof labels === 'number') next.labels = `Line ${labels}: write key=value.`;
    setErrors(next);
    if (Object.keys(next).length) return;
    const body: CreateContainerRequest = {
      image: values.image.trim(),
      ...(values.name.trim() ? { name: values.name.trim() } : {}),
      ...(values.command.trim() ? { command: splitCommand(values.command) } : {}),
      ...(list(values.ports).length ? { ports: list(values.ports) } : {}),
      ...(list(values.volumes).length ? { volumes: list(values.volumes) } : {}),
      ...(Object.keys(env as object).length ? { env: env as Record<string, string> } : {}),
      ...(Object.keys(labels as object).length ? { labels: labels as Record<string, string> } : {}),
      restartPolicy: values.restartPolicy,
    };
    setBusy(true);
    setFailure(null);
    setProgress(null);
    layers.current.clear();
    try {
      await createContainer(cloud.id, body, onLine);
    } catch (error) {
      setFailure(errorText(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog
      open
      onClose={onClose}
      busy={busy}
      size="lg"
      title={`New container on ${cloud.title}`}
      description="The image is pulled first when the engine doesn't have it yet."
      footer={
        <>
          <Button onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" form="create-container" variant="primary" busy={busy}>
            Create container
          </Button>
        </>
      }
    >
      <form id="create-container" onSubmit={onSubmit} noValidate className={layout.stack}>
        <TextField
          label="Image"
          {...bind('image')}
          placeholder="nginx:1.27"
          autoComplete="off"
          spellCheck={false}
          list="engine-images"
          hint="An image on the engine, or any reference to pull."
        />
        <datalist id="engine-images">
          {(images.data ?? []).map((i) => (
            <option key={i.externalId} value={i.name} />
          ))}
        </datalist>
        <TextField label="Name" aside="optional" {...bind('name')} placeholder="web" autoComplete="off" />
        <TextField
          label="Command"
          aside="optional"
          hint="Overrides the image's command. Quote arguments that contain spaces."
          {...bind('command')}
          autoComplete="off"
          spellCheck={false}
        />
        <TextField
          label="Ports"
          aside="optional"
          hint="Comma-separated: 8080:80, 127.0.0.1:5432:5432, 53:53/udp, or 80 to expose only."
          {...bind('ports')}
          autoComplete="off"
        />
        <TextAreaField
          label="Volumes"
          aside="optional"
          mono
          rows={2}
          hint="One per line: name:/path (named volume), /host/path:/path (bind) or /path (anonymous)."
          {...bind('volumes')}
        />
        <TextAreaField
          label="Environment"
          aside="optional"
          mono
          rows={3}
          hint="One NAME=value per line."
          {...bind('env')}
        />
        <TextAreaField
          label="Labels"
          aside="optional"
          mono
          rows={2}
          hint="One key=value per line; they show as the machine's tags."
          {...bind('labels')}
        />
        <SelectField label="Restart policy" {...bind('restartPolicy')}>
          <option value="no">Never restart</option>
          <option value="on-failure">On failure</option>
          <option value="unless-stopped">Unless stopped</option>
          <option value="always">Always</option>
        </SelectField>
        {progress && !failure && (
          <div role="status" aria-label="Image pull" className={styles.pull}>
            <progress max={progress.total || 1} value={progress.total ? progress.current : undefined} />
            <span>{progress.status}</span>
          </div>
        )}
        {failure && <Alert>{failure}</Alert>}
      </form>
    </Dialog>
  );
}
