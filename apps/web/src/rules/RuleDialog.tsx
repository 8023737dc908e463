import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { cloudsQuery } from '../api/clouds';
import { errorText } from '../api/errors';
import { createRule, rulesQuery } from '../api/monitoring';
import type { CreateRuleRequest, MetricName, RuleAction, RuleCondition, RuleTarget } from '../api/types';
import styles from '../monitoring/monitoring.module.css';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { Dialog } from '../ui/Dialog';
import { SelectField } from '../ui/Field';
import { TextField } from '../ui/TextField';
import { toast } from '../ui/toast';

type TargetKind = 'all' | 'tag' | 'cloud';
type ConditionKind = RuleCondition['kind'];

/** The rule builder: target, condition, actions and cooldown, in words a person would use. */
export function RuleDialog({ onClose }: { onClose: () => void }) {
  const queryClient = useQueryClient();
  const clouds = useQuery(cloudsQuery);
  const [name, setName] = useState('');
  const [targetKind, setTargetKind] = useState<TargetKind>('all');
  const [tagKey, setTagKey] = useState('');
  const [tagValue, setTagValue] = useState('');
  const [cloudId, setCloudId] = useState('');
  const [kind, setKind] = useState<ConditionKind>('metric');
  const [metric, setMetric] = useState<MetricName>('cpu');
  const [aggregate, setAggregate] = useState<'avg' | 'max' | 'min' | 'last'>('avg');
  const [operator, setOperator] = useState<'>' | '>=' | '<' | '<='>('>');
  const [threshold, setThreshold] = useState('90');
  const [windowMin, setWindowMin] = useState('5');
  const [times, setTimes] = useState('2');
  const [forMin, setForMin] = useState('5');
  const [state, setState] = useState<'stopped' | 'missing' | 'error'>('stopped');
  const [costScope, setCostScope] = useState<'machine' | 'total'>('machine');
  const [email, setEmail] = useState(true);
  const [webhook, setWebhook] = useState(false);
  const [machineAction, setMachineAction] = useState<'' | 'reboot' | 'stop' | 'destroy'>('');
  const [cooldownMin, setCooldownMin] = useState('10');

  const build = (): CreateRuleRequest => {
    const target: RuleTarget =
      targetKind === 'tag'
        ? { kind: 'tag', key: tagKey.trim(), ...(tagValue.trim() ? { value: tagValue.trim() } : {}) }
        : targetKind === 'cloud'
          ? { kind: 'cloud', cloudIds: cloudId ? [cloudId] : [] }
          : { kind: 'all' };
    const condition: RuleCondition =
      kind === 'metric'
        ? {
            kind,
            metric,
            aggregate,
            operator,
            threshold: Number(threshold),
            windowSeconds: Math.round(Number(windowMin) * 60),
            forEvaluations: Math.round(Number(times)),
          }
        : kind === 'no_data'
          ? { kind, forSeconds: Math.round(Number(forMin) * 60) }
          : kind === 'state'
            ? { kind, states: [state], forSeconds: Math.round(Number(forMin) * 60) }
            : { kind, scope: costScope, threshold: Number(threshold) };
    const actions: RuleAction[] = [
      ...(email ? [{ kind: 'email' as const }] : []),
      ...(webhook ? [{ kind: 'webhook' as const }] : []),
      ...(machineAction ? [{ kind: 'machine_action' as const, action: machineAction }] : []),
    ];
    return {
      name: name.trim(),
      target,
      condition,
      actions,
      cooldownSeconds: Math.round(Number(cooldownMin) * 60),
    };
  };

  const create = useMutation({
    mutationFn: () => createRule(build()),
    onSuccess: (rule) => {
      toast.success(`Rule "${rule.name}" is on`, { description: 'It is checked every minute.' });
      void queryClient.invalidateQueries({ queryKey: rulesQuery.queryKey });
      onClose();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  const canAct = !(kind === 'cost' && costScope === 'total');

  return (
    <Dialog
      open
      size="lg"
      onClose={onClose}
      title="New rule"
      busy={create.isPending}
      description="When the condition holds for a machine, an incident opens and the actions run; when it clears, the incident resolves."
      footer={
        <>
          <Button onClick={onClose} disabled={create.isPending}>
            Cancel
          </Button>
          <Button variant="primary" type="submit" form="rule-form" busy={create.isPending}>
            Create rule
          </Button>
        </>
      }
    >
      <form id="rule-form" className={styles.form} onSubmit={submit}>
        {create.isError && <Alert>{errorText(create.error)}</Alert>}
        <TextField
          label="Name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          required
          maxLength={120}
        />
        <div className={styles.row}>
          <SelectField
            label="Watch"
            value={targetKind}
            onChange={(e) => setTargetKind(e.target.value as TargetKind)}
          >
            <option value="all">All machines</option>
            <option value="tag">Machines with a tag</option>
            <option value="cloud">Machines of a cloud</option>
          </SelectField>
          {targetKind === 'tag' && (
            <>
              <TextField label="Tag" value={tagKey} onChange={(e) => setTagKey(e.target.value)} required />
              <TextField
                label="Value"
                aside="optional"
                value={tagValue}
                onChange={(e) => setTagValue(e.target.value)}
              />
            </>
          )}
          {targetKind === 'cloud' && (
            <SelectField label="Cloud" value={cloudId} onChange={(e) => setCloudId(e.target.value)} required>
              <option value="">Choose…</option>
              {(clouds.data ?? []).map((c) => (
                <option key={c.id} value={c.id}>
                  {c.title}
                </option>
              ))}
            </SelectField>
          )}
        </div>
        <div className={styles.row}>
          <SelectField label="When" value={kind} onChange={(e) => setKind(e.target.value as ConditionKind)}>
            <option value="metric">A metric crosses a threshold</option>
            <option value="no_data">No metrics arrive</option>
            <option value="state">The machine stays in a state</option>
            <option value="cost">The cost is above</option>
          </SelectField>
          {kind === 'metric' && (
            <>
              <SelectField
                label="Metric"
                value={metric}
                onChange={(e) => setMetric(e.target.value as MetricName)}
              >
                <option value="cpu">CPU %</option>
                <option value="memory">Memory %</option>
                <option value="disk">Disk % (fullest mount)</option>
                <option value="load1">Load (1 min)</option>
                <option value="load5">Load (5 min)</option>
                <option value="load15">Load (15 min)</option>
                <option value="net_rx">Network in (B/s)</option>
                <option value="net_tx">Network out (B/s)</option>
              </SelectField>
              <SelectField
                label="Aggregated as"
                value={aggregate}
                onChange={(e) => setAggregate(e.target.value as typeof aggregate)}
              >
                <option value="avg">average</option>
                <option value="max">maximum</option>
                <option value="min">minimum</option>
                <option value="last">last reading</option>
              </SelectField>
            </>
          )}
          {kind === 'state' && (
            <SelectField
              label="State"
              value={state}
              onChange={(e) => setState(e.target.value as typeof state)}
            >
              <option value="stopped">stopped</option>
              <option value="missing">missing</option>
              <option value="error">error</option>
            </SelectField>
          )}
          {kind === 'cost' && (
            <SelectField
              label="Of"
              value={costScope}
              onChange={(e) => setCostScope(e.target.value as typeof costScope)}
            >
              <option value="machine">each machine</option>
              <option value="total">the machines together</option>
            </SelectField>
          )}
        </div>
        <div className={styles.row}>
          {kind === 'metric' && (
            <>
              <TextField
                label="Over (minutes)"
                type="number"
                min={1}
                value={windowMin}
                onChange={(e) => setWindowMin(e.target.value)}
              />
              <SelectField
                label="Is"
                value={operator}
                onChange={(e) => setOperator(e.target.value as typeof operator)}
              >
                <option value=">">above</option>
                <option value=">=">at least</option>
                <option value="<">below</option>
                <option value="<=">at most</option>
              </SelectField>
            </>
          )}
          {(kind === 'metric' || kind === 'cost') && (
            <TextField
              label={kind === 'cost' ? 'Monthly cost' : 'Threshold'}
              type="number"
              step="any"
              value={threshold}
              onChange={(e) => setThreshold(e.target.value)}
              required
            />
          )}
          {kind === 'metric' && (
            <TextField
              label="Checks in a row"
              type="number"
              min={1}
              max={100}
              value={times}
              onChange={(e) => setTimes(e.target.value)}
            />
          )}
          {(kind === 'no_data' || kind === 'state') && (
            <TextField
              label="For (minutes)"
              type="number"
              min={kind === 'no_data' ? 1 : 0}
              value={forMin}
              onChange={(e) => setForMin(e.target.value)}
            />
          )}
        </div>
        <fieldset className={styles.row}>
          <legend>Then</legend>
          <label className={styles.inline}>
            <input type="checkbox" checked={email} onChange={(e) => setEmail(e.target.checked)} /> Email the
            recipients
          </label>
          <label className={styles.inline}>
            <input type="checkbox" checked={webhook} onChange={(e) => setWebhook(e.target.checked)} /> Call
            the webhooks
          </label>
          {canAct && (
            <SelectField
              label="And fix it"
              value={machineAction}
              onChange={(e) => setMachineAction(e.target.value as typeof machineAction)}
            >
              <option value="">Do nothing to the machine</option>
              <option value="reboot">Reboot it</option>
              <option value="stop">Stop it</option>
              <option value="destroy">Destroy it</option>
            </SelectField>
          )}
          <TextField
            label="Cooldown (minutes)"
            type="number"
            min={0}
            value={cooldownMin}
            onChange={(e) => setCooldownMin(e.target.value)}
            hint="Actions run at most once per machine in this time"
          />
        </fieldset>
      </form>
    </Dialog>
  );
}
