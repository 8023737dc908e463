import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { scriptsQuery } from '../api/automation';
import { cloudsQuery } from '../api/clouds';
import { channelsQuery, createRule, rulesQuery, updateRule } from '../api/monitoring';
import { teamsQuery } from '../api/organization';
import type {
  CreateRuleRequest,
  MetricName,
  Rule,
  RuleAction,
  RuleCondition,
  RuleTarget,
} from '../api/types';
import { MachineChecklist } from '../automation/MachineChecklist';
import styles from '../monitoring/monitoring.module.css';
import { SelectField } from '../ui/Field';
import { FormDialog } from '../ui/FormDialog';
import { NameField } from '../ui/NameField';
import { TextField } from '../ui/TextField';
import { useResourceMutation } from '../ui/useResourceMutation';
import { NumberField } from '../ui/ValueFields';

type TargetKind = RuleTarget['kind'];
type ConditionKind = RuleCondition['kind'];

/** The builder's fields as text, from a rule being edited or from sensible defaults. */
function initialFields(rule?: Rule) {
  const t = rule?.target;
  const c = rule?.condition;
  const a = rule?.actions ?? [];
  const machineAction = a.find((x) => x.kind === 'machine_action');
  const script = a.find((x) => x.kind === 'script');
  return {
    name: rule?.name ?? '',
    targetKind: (t?.kind ?? 'all') as TargetKind,
    machineIds: t?.kind === 'machines' ? t.machineIds : [],
    tagKey: t?.kind === 'tag' ? t.key : '',
    tagValue: t?.kind === 'tag' ? (t.value ?? '') : '',
    cloudId: t?.kind === 'cloud' ? (t.cloudIds[0] ?? '') : '',
    kind: (c?.kind ?? 'metric') as ConditionKind,
    metric: (c?.kind === 'metric' ? c.metric : 'cpu') as MetricName,
    aggregate: c?.kind === 'metric' ? c.aggregate : ('avg' as const),
    operator: c?.kind === 'metric' ? c.operator : ('>' as const),
    threshold:
      c?.kind === 'metric' || c?.kind === 'cost'
        ? String(c.threshold)
        : c?.kind === 'budget'
          ? String(c.percent)
          : '90',
    budgetTeamId: c?.kind === 'budget' ? (c.teamId ?? '') : '',
    windowMin: c?.kind === 'metric' ? String(c.windowSeconds / 60) : '5',
    times: c?.kind === 'metric' ? String(c.forEvaluations ?? 1) : '2',
    forMin: c?.kind === 'no_data' || c?.kind === 'state' ? String(c.forSeconds / 60) : '5',
    state: (c?.kind === 'state' ? c.states[0] : 'stopped') as 'stopped' | 'missing' | 'error',
    costScope: c?.kind === 'cost' ? c.scope : ('machine' as const),
    // A new rule emails only where email works (see emailAvailable below).
    email: rule ? a.some((x) => x.kind === 'email' && !x.channelId) : null,
    webhook: a.some((x) => x.kind === 'webhook' && !x.channelId),
    chat: a.some((x) => x.kind === 'chat' && !x.channelId),
    scriptId: script?.kind === 'script' ? script.scriptId : '',
    machineAction: (machineAction?.kind === 'machine_action' ? machineAction.action : '') as
      | ''
      | 'reboot'
      | 'stop'
      | 'destroy',
    cooldownMin: String((rule?.cooldownSeconds ?? 600) / 60),
  };
}

/** The rule builder: target, condition, actions and cooldown, in words a person would use. */
export function RuleDialog({ rule, onClose }: { rule?: Rule; onClose: () => void }) {
  const clouds = useQuery(cloudsQuery);
  const scripts = useQuery(scriptsQuery);
  const channels = useQuery(channelsQuery);
  const teams = useQuery(teamsQuery);
  const emailAvailable = channels.data?.emailAvailable ?? false;
  const [init] = useState(() => initialFields(rule));
  const [name, setName] = useState(init.name);
  const [targetKind, setTargetKind] = useState<TargetKind>(init.targetKind);
  const [tagKey, setTagKey] = useState(init.tagKey);
  const [tagValue, setTagValue] = useState(init.tagValue);
  const [cloudId, setCloudId] = useState(init.cloudId);
  const [machineIds, setMachineIds] = useState(init.machineIds);
  const [kind, setKind] = useState<ConditionKind>(init.kind);
  const [metric, setMetric] = useState<MetricName>(init.metric);
  const [aggregate, setAggregate] = useState<'avg' | 'max' | 'min' | 'last'>(init.aggregate);
  const [operator, setOperator] = useState<'>' | '>=' | '<' | '<='>(init.operator);
  const [threshold, setThreshold] = useState(init.threshold);
  const [windowMin, setWindowMin] = useState(init.windowMin);
  const [times, setTimes] = useState(init.times);
  const [forMin, setForMin] = useState(init.forMin);
  const [state, setState] = useState<'stopped' | 'missing' | 'error'>(init.state);
  const [costScope, setCostScope] = useState<'machine' | 'total'>(init.costScope);
  const [budgetTeamId, setBudgetTeamId] = useState(init.budgetTeamId);
  const [emailChoice, setEmail] = useState(init.email);
  const email = emailChoice ?? emailAvailable;
  const [webhook, setWebhook] = useState(init.webhook);
  const [chat, setChat] = useState(init.chat);
  const [scriptId, setScriptId] = useState(init.scriptId);
  const [machineAction, setMachineAction] = useState<'' | 'reboot' | 'stop' | 'destroy'>(init.machineAction);
  const [cooldownMin, setCooldownMin] = useState(init.cooldownMin);
  // Actions the builder does not edit (specific channels, further scripts) are kept as they are.
  const kept = (rule?.actions ?? []).filter(
    (x) =>
      (x.kind === 'script' && x.scriptId !== init.scriptId) ||
      ((x.kind === 'email' || x.kind === 'webhook' || x.kind === 'chat') && x.channelId),
  );
  const keptScript = (rule?.actions ?? []).find((x) => x.kind === 'script' && x.scriptId === init.scriptId);

  const build = (): CreateRuleRequest => {
    const target: RuleTarget =
      targetKind === 'tag'
        ? { kind: 'tag', key: tagKey.trim(), ...(tagValue.trim() ? { value: tagValue.trim() } : {}) }
        : targetKind === 'cloud'
          ? { kind: 'cloud', cloudIds: cloudId ? [cloudId] : [] }
          : targetKind === 'machines'
            ? { kind: 'machines', machineIds }
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
            : kind === 'budget'
              ? { kind, teamId: budgetTeamId || null, percent: Number(threshold) }
              : { kind, scope: costScope, threshold: Number(threshold) };
    const actions: RuleAction[] = [
      ...kept,
      ...(email ? [{ kind: 'email' as const }] : []),
      ...(webhook ? [{ kind: 'webhook' as const }] : []),
      ...(chat ? [{ kind: 'chat' as const }] : []),
      // The script's parameters, when the rule had some, stay as they were.
      ...(scriptId
        ? [
            keptScript?.kind === 'script' && keptScript.scriptId === scriptId
              ? keptScript
              : { kind: 'script' as const, scriptId },
          ]
        : []),
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

  const create = useResourceMutation({
    mutationFn: () => (rule ? updateRule(rule.id, build()) : createRule(build())),
    invalidates: [rulesQuery.queryKey],
    success: (saved) => (rule ? `Rule "${saved.name}" saved` : `Rule "${saved.name}" is on`),
    successDescription: 'It is checked every minute.',
    onSuccess: onClose,
  });
  const canAct = !(kind === 'cost' && costScope === 'total') && kind !== 'budget';

  return (
    <FormDialog
      size="lg"
      onClose={onClose}
      title={rule ? `Edit ${rule.name}` : 'New rule'}
      busy={create.isPending}
      description="When the condition holds for a machine, an incident opens and the actions run; when it clears, the incident resolves."
      formId="rule-form"
      submitLabel={rule ? 'Save' : 'Create rule'}
      error={create.error}
      onSubmit={() => create.mutate()}
    >
      <NameField value={name} onChange={setName} maxLength={120} />
      <div className={styles.fields}>
        <SelectField
          label="Watch"
          value={targetKind}
          onChange={(e) => setTargetKind(e.target.value as TargetKind)}
        >
          <option value="all">All machines</option>
          <option value="machines">These machines</option>
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
      {targetKind === 'machines' && (
        <fieldset className={styles.fieldset}>
          <legend className="visually-hidden">Machines to watch</legend>
          <MachineChecklist selected={machineIds} onChange={setMachineIds} />
          {machineIds.length === 0 && <p className={styles.hint}>Tick at least one machine.</p>}
        </fieldset>
      )}
      <div className={styles.fields}>
        <SelectField label="When" value={kind} onChange={(e) => setKind(e.target.value as ConditionKind)}>
          <option value="metric">A metric crosses a threshold</option>
          <option value="no_data">No metrics arrive</option>
          <option value="state">The machine stays in a state</option>
          <option value="cost">The cost is above</option>
          <option value="budget">Spend passes a share of a budget</option>
        </SelectField>
        {kind === 'budget' && (
          <SelectField
            label="Budget of"
            value={budgetTeamId}
            onChange={(e) => setBudgetTeamId(e.target.value)}
          >
            <option value="">the organization</option>
            {teams.data?.map((t) => (
              <option key={t.id} value={t.id}>
                team {t.name}
              </option>
            ))}
          </SelectField>
        )}
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
          <SelectField label="State" value={state} onChange={(e) => setState(e.target.value as typeof state)}>
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
      <div className={styles.fields}>
        {kind === 'metric' && (
          <>
            <NumberField label="Over (minutes)" min={1} value={windowMin} onChange={setWindowMin} />
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
        {(kind === 'metric' || kind === 'cost' || kind === 'budget') && (
          <NumberField
            label={
              kind === 'cost' ? 'Monthly cost' : kind === 'budget' ? 'Percent of the budget' : 'Threshold'
            }
            step="any"
            value={threshold}
            onChange={setThreshold}
            required
          />
        )}
        {kind === 'metric' && (
          <NumberField label="Checks in a row" min={1} max={100} value={times} onChange={setTimes} />
        )}
        {(kind === 'no_data' || kind === 'state') && (
          <NumberField
            label="For (minutes)"
            min={kind === 'no_data' ? 1 : 0}
            value={forMin}
            onChange={setForMin}
          />
        )}
      </div>
      <fieldset className={styles.then}>
        <legend>Then</legend>
        <label className={styles.inline}>
          <input
            type="checkbox"
            checked={email}
            disabled={!emailAvailable && !email}
            onChange={(e) => setEmail(e.target.checked)}
          />{' '}
          Email the recipients
        </label>
        {!emailAvailable && channels.data && (
          <p className={styles.hint}>
            Email is off on this server: an admin sets <code>smtp.host</code> in the settings to turn it on.
          </p>
        )}
        <label className={styles.inline}>
          <input type="checkbox" checked={webhook} onChange={(e) => setWebhook(e.target.checked)} /> Call the
          webhooks
        </label>
        <label className={styles.inline}>
          <input type="checkbox" checked={chat} onChange={(e) => setChat(e.target.checked)} /> Post to the
          chat channels, with Acknowledge, Reboot and Stop buttons
        </label>
        {canAct && (
          <SelectField label="Run a script" value={scriptId} onChange={(e) => setScriptId(e.target.value)}>
            <option value="">No script</option>
            {(scripts.data ?? []).map((x) => (
              <option key={x.id} value={x.id}>
                {x.name}
              </option>
            ))}
          </SelectField>
        )}
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
        <NumberField
          label="Cooldown (minutes)"
          min={0}
          value={cooldownMin}
          onChange={setCooldownMin}
          hint="Actions run at most once per machine in this time"
        />
      </fieldset>
    </FormDialog>
  );
}
