import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import {
  automationKeys,
  createSchedule,
  previewSchedule,
  scriptsQuery,
  updateSchedule,
} from '../api/automation';
import { errorText } from '../api/errors';
import type { Schedule, ScheduleAction, ScheduleTrigger, TargetSelector } from '../api/types';
import { Alert } from '../ui/Alert';
import { SelectField, TextAreaField } from '../ui/Field';
import { FormDialog } from '../ui/FormDialog';
import layout from '../ui/layout.module.css';
import { NameField } from '../ui/NameField';
import { TextField } from '../ui/TextField';
import { useResourceMutation } from '../ui/useResourceMutation';
import { DateTimeField, NumberField } from '../ui/ValueFields';
import styles from './automation.module.css';
import { TargetPicker } from './TargetPicker';

const zone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
/** <input type="datetime-local"> speaks local time without a zone. */
const toLocalInput = (iso: string | null | undefined) => {
  if (!iso) return '';
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};
const fromLocalInput = (v: string) => (v ? new Date(v).toISOString() : null);

export const formatWhen = (iso: string) =>
  new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** The builder: trigger (with the next runs previewed as it changes), targets, action, limits. */
export function ScheduleDialog({ schedule, onClose }: { schedule: Schedule | null; onClose: () => void }) {
  const scripts = useQuery(scriptsQuery);
  const [name, setName] = useState(schedule?.name ?? '');
  const [kind, setKind] = useState<ScheduleTrigger['kind']>(schedule?.trigger.kind ?? 'cron');
  const [cron, setCron] = useState(
    schedule?.trigger.kind === 'cron' ? schedule.trigger.cron : '0 19 * * 1-5',
  );
  const [timezone, setTimezone] = useState(
    schedule?.trigger.kind === 'cron' ? (schedule.trigger.timezone ?? 'UTC') : zone(),
  );
  const [interval, setIntervalMinutes] = useState(
    schedule?.trigger.kind === 'interval' ? String(schedule.trigger.intervalSeconds / 60) : '60',
  );
  const [runAt, setRunAt] = useState(
    schedule?.trigger.kind === 'once' ? toLocalInput(schedule.trigger.runAt) : '',
  );
  const [target, setTarget] = useState<TargetSelector>(schedule?.target ?? {});
  const [action, setAction] = useState<ScheduleAction>(schedule?.action ?? { kind: 'stop' });
  const [startsAt, setStartsAt] = useState(toLocalInput(schedule?.startsAt));
  const [endsAt, setEndsAt] = useState(toLocalInput(schedule?.endsAt));
  const [maxRuns, setMaxRuns] = useState(schedule?.maxRuns ? String(schedule.maxRuns) : '');
  const [enabled, setEnabled] = useState(schedule?.enabled ?? true);

  const trigger: ScheduleTrigger | null =
    kind === 'cron'
      ? { kind, cron, timezone }
      : kind === 'interval'
        ? Number(interval) > 0
          ? { kind, intervalSeconds: Math.round(Number(interval) * 60) }
          : null
        : runAt
          ? { kind, runAt: new Date(runAt).toISOString() }
          : null;
  const limits = {
    startsAt: fromLocalInput(startsAt),
    endsAt: fromLocalInput(endsAt),
    maxRuns: maxRuns ? Number(maxRuns) : null,
  };
  const previewKey = JSON.stringify({ trigger, limits });
  const [debounced, setDebounced] = useState(previewKey);
  useEffect(() => {
    const t = setTimeout(() => setDebounced(previewKey), 300);
    return () => clearTimeout(t);
  }, [previewKey]);
  const preview = useQuery({
    queryKey: ['schedules', 'preview', debounced],
    queryFn: ({ signal }) => {
      const body = JSON.parse(debounced) as { trigger: ScheduleTrigger | null; limits: typeof limits };
      if (!body.trigger) return { nextRuns: [] };
      return previewSchedule({ trigger: body.trigger, ...body.limits }, signal);
    },
    retry: false,
  });

  const save = useResourceMutation({
    mutationFn: () => {
      if (!trigger) throw new Error('Complete the trigger first.');
      const body = { name: name.trim(), trigger, target, action, enabled, ...limits };
      return schedule ? updateSchedule(schedule.id, body) : createSchedule(body);
    },
    invalidates: [automationKeys.schedules],
    success: (s) => `Saved ${s.name}`,
    successDescription: (s) =>
      s.nextRuns[0] ? `Next run ${formatWhen(s.nextRuns[0])}` : 'It has no run ahead.',
    onSuccess: onClose,
  });

  return (
    <FormDialog
      size="lg"
      onClose={onClose}
      title={schedule ? `Edit ${schedule.name}` : 'New schedule'}
      busy={save.isPending}
      formId="schedule-form"
      submitLabel="Save schedule"
      error={save.error}
      onSubmit={() => save.mutate()}
    >
      <NameField value={name} onChange={setName} maxLength={200} />
      <div className={styles.row}>
        <SelectField
          label="When"
          value={kind}
          onChange={(e) => setKind(e.target.value as ScheduleTrigger['kind'])}
        >
          <option value="cron">On a cron schedule</option>
          <option value="interval">Every few minutes</option>
          <option value="once">Once, at a date</option>
        </SelectField>
        {kind === 'cron' && (
          <>
            <TextField
              label="Cron expression"
              hint="minute hour day month weekday"
              value={cron}
              required
              onChange={(e) => setCron(e.target.value)}
            />
            <TextField
              label="Time zone"
              value={timezone}
              required
              onChange={(e) => setTimezone(e.target.value)}
            />
          </>
        )}
        {kind === 'interval' && (
          <NumberField
            label="Every (minutes)"
            min={0.1}
            step="any"
            value={interval}
            required
            onChange={setIntervalMinutes}
          />
        )}
        {kind === 'once' && <DateTimeField label="At" value={runAt} required onChange={setRunAt} />}
      </div>
      <div aria-live="polite">
        {preview.isError ? (
          <Alert>{errorText(preview.error)}</Alert>
        ) : preview.data?.nextRuns.length ? (
          <>
            <strong>Next runs</strong> <span className={layout.muted}>(in your time zone)</span>
            <ol className={styles.preview} data-testid="next-runs">
              {preview.data.nextRuns.map((at) => (
                <li key={at}>{formatWhen(at)}</li>
              ))}
            </ol>
          </>
        ) : preview.data ? (
          <p className={layout.muted}>No run ahead with these settings.</p>
        ) : null}
      </div>
      <div className={styles.row}>
        <SelectField
          label="Action"
          value={action.kind}
          onChange={(e) => setAction({ kind: e.target.value as ScheduleAction['kind'] })}
        >
          <option value="start">Start machines</option>
          <option value="stop">Stop machines</option>
          <option value="reboot">Reboot machines</option>
          <option value="destroy">Destroy machines</option>
          <option value="run_script">Run a script</option>
          <option value="notify">Send a notice</option>
        </SelectField>
        {action.kind === 'run_script' && (
          <SelectField
            label="Script"
            value={action.scriptId ?? ''}
            required
            onChange={(e) => setAction({ ...action, scriptId: e.target.value })}
          >
            <option value="">Pick a script…</option>
            {scripts.data?.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </SelectField>
        )}
      </div>
      {action.kind === 'notify' && (
        <TextAreaField
          label="Message"
          value={action.message ?? ''}
          required
          rows={3}
          onChange={(e) => setAction({ ...action, message: e.target.value })}
        />
      )}
      {action.kind === 'run_script' &&
        scripts.data
          ?.find((s) => s.id === action.scriptId)
          ?.parameters.map((p) => (
            <TextField
              key={p.name}
              label={p.name}
              aside={p.required ? 'required' : (p.description ?? 'optional')}
              value={action.params?.[p.name] ?? ''}
              onChange={(e) =>
                setAction({ ...action, params: { ...action.params, [p.name]: e.target.value } })
              }
            />
          ))}
      <fieldset className={styles.fieldset}>
        <legend>
          Machines {action.kind === 'notify' ? '(optional, listed in the notice)' : '(resolved at each run)'}
        </legend>
        <TargetPicker value={target} onChange={setTarget} />
      </fieldset>
      <div className={styles.row}>
        <DateTimeField label="Starts" aside="optional" value={startsAt} onChange={setStartsAt} />
        <DateTimeField label="Ends" aside="optional" value={endsAt} onChange={setEndsAt} />
        <NumberField label="At most (runs)" aside="optional" min={1} value={maxRuns} onChange={setMaxRuns} />
      </div>
      <label className={styles.check}>
        <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
        Enabled
      </label>
    </FormDialog>
  );
}
