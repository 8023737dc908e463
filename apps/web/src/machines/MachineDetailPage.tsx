import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { isApiError } from '../api/errors';
import { machineDetailQuery } from '../api/machines';
import type { Machine, MachineAction, MachineDetail } from '../api/types';
import { usePermissions } from '../auth/permissions';
import { ExpirationCard } from '../automation/ExpirationCard';
import { ConsoleTicketButton } from '../console/ConsoleTicketButton';
import { AddMachineRecord } from '../dns/AddMachineRecord';
import { formatMoney, plural } from '../format/number';
import { usePendingAction } from '../live/pending';
import { MetricsCard } from '../monitoring/MetricsCard';
import { MachineNetworksCard } from '../networks/MachineNetworksCard';
import { useProviderMeta } from '../providers/meta';
import { ProviderIcon } from '../providers/ProviderIcon';
import { Alert } from '../ui/Alert';
import { Button, ButtonLink } from '../ui/Button';
import { Card } from '../ui/Card';
import { CopyButton } from '../ui/CopyButton';
import { EmptyState } from '../ui/EmptyState';
import {
  CopyIcon,
  PencilIcon,
  PlayIcon,
  RebootIcon,
  ResizeIcon,
  ServerIcon,
  StopIcon,
  TerminalIcon,
  TrashIcon,
} from '../ui/icons';
import layout from '../ui/layout.module.css';
import { Menu } from '../ui/Menu';
import { Page } from '../ui/Page';
import { LoadError } from '../ui/QueryState';
import { RelativeTime } from '../ui/RelativeTime';
import { Skeleton } from '../ui/Skeleton';
import { Spinner } from '../ui/Spinner';
import tones from '../ui/tones.module.css';
import { MachineVolumesCard } from '../volumes/MachineVolumesCard';
import { ActionDialog, type ActionRequest } from './ActionDialog';
import { CloneDialog } from './CloneDialog';
import { ContainerCard } from './ContainerCard';
import { costNote } from './cost';
import { describeEvent, eventTone } from './history';
import styles from './MachineDetailPage.module.css';
import { ResizeDialog } from './ResizeDialog';
import { runMachineActions } from './runActions';
import { SnapshotsCard } from './SnapshotsCard';
import { SessionsCard, SshCard } from './SshCard';
import { StateBadge } from './StateBadge';
import { actionsFor, machineLook, PENDING_LABEL, stoppedButBilled } from './state';
import { TagsEditor } from './TagsEditor';

export function MachineDetailPage() {
  const { id = '' } = useParams();
  const query = useQuery(machineDetailQuery(id));

  if (query.isError) {
    const gone = isApiError(query.error, 404) || isApiError(query.error, 400);
    return (
      <Page title={gone ? 'Machine not found' : 'Machine'} back={{ to: '/machines', label: 'Machines' }}>
        {gone ? (
          <EmptyState
            icon={<ServerIcon />}
            title="No such machine"
            actions={<ButtonLink to="/machines">Go to Machines</ButtonLink>}
          >
            <p>It may have been deleted with its cloud, or the link is mistyped.</p>
          </EmptyState>
        ) : (
          <LoadError error={query.error} onRetry={query.refetch} />
        )}
      </Page>
    );
  }
  if (!query.data) {
    return (
      <Page title="Machine" back={{ to: '/machines', label: 'Machines' }}>
        <Card title="Overview">
          <div className={layout.stackTight}>
            <Skeleton width="40%" />
            <Skeleton width="65%" />
            <Skeleton width="55%" />
          </div>
        </Card>
      </Page>
    );
  }
  return <MachineView detail={query.data} />;
}

function MachineView({ detail }: { detail: MachineDetail }) {
  const providerMeta = useProviderMeta();
  const { machine: m } = detail;
  const permissions = usePermissions();
  const queryClient = useQueryClient();
  const pending = usePendingAction(m.id);
  const [request, setRequest] = useState<ActionRequest | null>(null);
  const [resizing, setResizing] = useState(false);
  const [cloning, setCloning] = useState(false);
  const meta = providerMeta(m.provider);
  const actions = actionsFor(m, meta);
  const ref = { id: m.id, name: m.name };
  const ask = (action: MachineAction) =>
    setRequest({
      action,
      machines: [ref],
      containers: meta.features.containers,
      stopStillBills: (meta.unbilledStates?.length ?? 0) > 0,
    });
  const gone = m.state === 'terminated' || m.state === 'missing';
  const features = providerMeta(m.provider).features;
  const canResize = features.resize && !gone && permissions.can('machines', 'edit');
  const canClone = features.clone && !gone && permissions.can('machines', 'create');

  return (
    <Page
      title={m.name}
      back={{ to: '/machines', label: 'Machines' }}
      titleExtra={<StateBadge machineId={m.id} state={m.state} rawState={m.rawState} provider={m.provider} />}
      description={
        <span className={styles.subtitle}>
          <ProviderIcon provider={m.provider} />
          <Link to={`/machines?cloud=${m.cloudId}`}>{m.cloudTitle}</Link>
          <span aria-hidden="true">·</span>
          <span>{providerMeta(m.provider).label}</span>
          {m.location && (
            <>
              <span aria-hidden="true">·</span>
              <span>{m.location}</span>
            </>
          )}
        </span>
      }
      actions={
        permissions.operate && actions.length > 0 ? (
          <>
            {actions.includes('start') && (
              <Button
                icon={<PlayIcon />}
                onClick={() => runMachineActions(queryClient, [ref], 'start')}
                disabled={Boolean(pending)}
                variant={m.state === 'stopped' ? 'primary' : 'secondary'}
              >
                Start
              </Button>
            )}
            {actions.includes('stop') && (
              <Button icon={<StopIcon />} onClick={() => ask('stop')} disabled={Boolean(pending)}>
                Stop
              </Button>
            )}
            {actions.includes('reboot') && (
              <Button icon={<RebootIcon />} onClick={() => ask('reboot')} disabled={Boolean(pending)}>
                Reboot
              </Button>
            )}
            <Menu
              label={`More actions for ${m.name}`}
              text="More"
              items={[
                ...(actions.includes('deallocate')
                  ? [{ label: 'Deallocate', icon: <StopIcon />, onSelect: () => ask('deallocate') }]
                  : []),
                ...(actions.includes('pause')
                  ? [{ label: 'Pause', icon: <StopIcon />, onSelect: () => ask('pause') }]
                  : []),
                ...(actions.includes('unpause')
                  ? [{ label: 'Unpause', icon: <PlayIcon />, onSelect: () => ask('unpause') }]
                  : []),
                ...(actions.includes('rename')
                  ? [{ label: 'Rename', icon: <PencilIcon />, onSelect: () => ask('rename') }]
                  : []),
                ...(canResize
                  ? [{ label: 'Resize…', icon: <ResizeIcon />, onSelect: () => setResizing(true) }]
                  : []),
                ...(canClone
                  ? [{ label: 'Clone…', icon: <CopyIcon />, onSelect: () => setCloning(true) }]
                  : []),
                { label: 'Destroy', icon: <TrashIcon />, danger: true, onSelect: () => ask('destroy') },
              ]}
            />
          </>
        ) : undefined
      }
    >
      {pending && pending.action !== 'rename' && (
        <div className={styles.progress} role="status">
          <Spinner size="sm" />
          <span>
            <strong>{PENDING_LABEL[pending.action]}</strong> {providerMeta(m.provider).label} accepted the
            request; the new state shows here as soon as the next poll sees it.
          </span>
        </div>
      )}
      {!pending && stoppedButBilled(m, meta) && (
        <Alert tone="info">
          <p className={styles.billedNote}>
            Stopped, but still allocated: {meta.label} bills its compute as if it were running. Deallocate it
            to stop the compute charge; its disks are kept.
          </p>
          {permissions.operate && actions.includes('deallocate') && (
            <Button size="sm" icon={<StopIcon />} onClick={() => ask('deallocate')}>
              Deallocate
            </Button>
          )}
        </Alert>
      )}
      {gone && (
        <Alert tone="info">
          {m.state === 'missing' ? (
            <>
              {providerMeta(m.provider).label} no longer lists this machine (since{' '}
              <RelativeTime value={m.missingSince} />
              ). It is kept here and marked terminated after the grace period, unless it comes back.
            </>
          ) : (
            'This machine is terminated. It stays here as history.'
          )}
        </Alert>
      )}
      <div className={styles.grid}>
        <div className={styles.main}>
          <Facts machine={m} />
          <MetricsCard machineId={m.id} canEdit={permissions.operate && !gone} />
          <Card
            title="History"
            meta={detail.history.length ? plural(detail.history.length, 'event') : undefined}
          >
            <History detail={detail} />
          </Card>
        </div>
        <div className={styles.side}>
          {providerMeta(m.provider).features.containers ? (
            <ContainerCard
              machine={m}
              extra={detail.extra}
              canOpen={permissions.can('machines', 'shell') && !gone}
            />
          ) : (
            <>
              <Connect machine={m} reachedAt={detail.reachedAt} />
              <SshCard machine={m} canEdit={permissions.can('machines', 'edit') && !gone} />
            </>
          )}
          {providerMeta(m.provider).features.console !== 'none' && (
            <ConsoleCard
              machine={m}
              kind={providerMeta(m.provider).features.console}
              canOpen={permissions.can('machines', 'shell') && !gone}
            />
          )}
          <ExpirationCard detail={detail} canEdit={permissions.can('machines', 'edit') && !gone} />
          <SessionsCard machineId={m.id} />
          {features.snapshots && !gone && (
            <SnapshotsCard
              machine={{ ...ref, state: m.state }}
              canTake={permissions.can('machines', 'act')}
              canChange={permissions.can('machines', 'delete')}
            />
          )}
          <MachineVolumesCard machineId={m.id} />
          <MachineNetworksCard machineId={m.id} />
          <Card title="Tags">
            <TagsEditor detail={detail} canEdit={permissions.can('machines', 'edit') && !gone} />
          </Card>
        </div>
      </div>
      <RawFields extra={detail.extra} provider={m.provider} />
      <ActionDialog request={request} onClose={() => setRequest(null)} />
      {resizing && <ResizeDialog machine={ref} onClose={() => setResizing(false)} />}
      {cloning && <CloneDialog machine={{ ...ref, state: m.state }} onClose={() => setCloning(false)} />}
    </Page>
  );
}

function Facts({ machine: m }: { machine: Machine }) {
  const look = machineLook(m, useProviderMeta()(m.provider));
  return (
    <Card title="Overview">
      <dl className={styles.facts}>
        <Fact label="State">
          {look.label}
          {m.rawState && m.rawState !== m.state && (
            <span className={layout.note}> (provider says “{m.rawState}”)</span>
          )}
        </Fact>
        <Fact label="Cloud">
          <span className={styles.inline}>
            <ProviderIcon provider={m.provider} decorative />
            {m.cloudTitle}
          </span>
        </Fact>
        <Fact label="Size">{m.size ?? '—'}</Fact>
        <Fact label="Location">{m.location ?? '—'}</Fact>
        <Fact label="Image" wide>
          <span className={layout.break}>{m.image ?? '—'}</span>
        </Fact>
        <Fact label="Public IP addresses">
          <IpList ips={m.publicIps} />
          <AddMachineRecord name={m.name} publicIps={m.publicIps} />
        </Fact>
        <Fact label="Private IP addresses">
          <IpList ips={m.privateIps} />
        </Fact>
        <Fact label="Monthly cost">
          {m.costMonthly !== null && (
            <span className={styles.num}>{formatMoney(m.costMonthly, m.costCurrency)}</span>
          )}
          {m.costHourly && (
            <span className={layout.note}> · {formatMoney(m.costHourly, m.costCurrency)}/h</span>
          )}
          <span className={layout.note}>
            {m.costMonthly !== null && costNote(m) ? ' · ' : ''}
            {costNote(m)}
          </span>
        </Fact>
        <Fact label="Created">
          <RelativeTime value={m.launchedAt} empty="Unknown" />
        </Fact>
        <Fact label="Provider ID">
          <span className={styles.copyable}>
            <code className={layout.break}>{m.externalId}</code>
            <CopyButton text={m.externalId} label="Copy provider ID" />
          </span>
        </Fact>
        <Fact label="Last change seen">
          <RelativeTime value={m.updatedAt} />
        </Fact>
      </dl>
    </Card>
  );
}

function Fact({ label, children, wide = false }: { label: string; children: ReactNode; wide?: boolean }) {
  return (
    <div className={wide ? styles.wideFact : undefined}>
      <dt className={styles.factLabel}>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function IpList({ ips }: { ips: string[] }) {
  if (ips.length === 0) return <span className={layout.note}>None</span>;
  return (
    <ul className={styles.ips}>
      {ips.map((ip) => (
        <li key={ip}>
          <code>{ip}</code>
          <CopyButton text={ip} label={`Copy ${ip}`} />
        </li>
      ))}
    </ul>
  );
}

/** The way in when the network is down: the machine's screen or its serial output. */
function ConsoleCard({ machine: m, kind, canOpen }: { machine: Machine; kind: string; canOpen: boolean }) {
  return (
    <Card title="Console">
      <div className={layout.stackTight}>
        <p className={layout.note}>
          {kind === 'graphical'
            ? "The machine's screen, keyboard and mouse, even when its network is down."
            : kind === 'ticket'
              ? "The machine's screen, keyboard and mouse in the provider's console application on your computer (VMware Remote Console), even when its network is down."
              : 'What the machine printed on its serial port (boot messages, kernel errors), read-only.'}
        </p>
        {canOpen && kind === 'ticket' ? (
          <ConsoleTicketButton machineId={m.id} />
        ) : canOpen ? (
          <span>
            <ButtonLink to={`/machines/${m.id}/console`} size="sm" variant="primary" icon={<TerminalIcon />}>
              Open console
            </ButtonLink>
          </span>
        ) : (
          <p className={layout.note}>Opening the console needs the right to open a shell on this machine.</p>
        )}
      </div>
    </Card>
  );
}

/** The SSH command to reach the machine the way Overcast does, and where that way comes from. */
function Connect({ machine: m, reachedAt }: { machine: Machine; reachedAt: MachineDetail['reachedAt'] }) {
  const { address, port, user } = reachedAt;
  const host = address?.includes(':') ? `[${address}]` : address;
  const command =
    reachedAt.via === 'ssh' && host ? `ssh ${port && port !== 22 ? `-p ${port} ` : ''}${user}@${host}` : null;
  return (
    <Card title="Connect">
      {command && m.state === 'running' ? (
        <div className={layout.stackTight}>
          <div className={styles.command}>
            <code>{command}</code>
            <CopyButton text={command} label="Copy SSH command" />
          </div>
          <p className={layout.note}>Overcast uses the same: {reachedAt.reason}.</p>
        </div>
      ) : (
        <p className={layout.note}>
          {m.state !== 'running'
            ? 'Start the machine to connect to it over SSH.'
            : reachedAt.via === 'none'
              ? reachedAt.reason
              : 'This machine has no IP address yet.'}
        </p>
      )}
    </Card>
  );
}

function History({ detail }: { detail: MachineDetail }) {
  if (detail.history.length === 0) return <p className={layout.note}>Nothing has happened to it yet.</p>;
  return (
    <ol className={layout.plainList}>
      {detail.history.slice(0, 50).map((event) => (
        <li key={event.id} className={styles.event}>
          <span
            className={`${styles.marker} ${tones[eventTone(event.kind, event.data)]}`}
            aria-hidden="true"
          />
          <span className={layout.break}>{describeEvent(event.kind, event.data)}</span>
          <RelativeTime value={event.createdAt} className={styles.eventTime} />
        </li>
      ))}
      {detail.history.length > 50 && (
        <li className={layout.note}>and {detail.history.length - 50} earlier events</li>
      )}
    </ol>
  );
}

function RawFields({ extra, provider }: { extra: Record<string, unknown>; provider: string }) {
  const providerMeta = useProviderMeta();
  const entries = Object.entries(extra ?? {});
  return (
    <Card
      title={`Fields from ${providerMeta(provider).label}`}
      meta={`${entries.length} fields, as the provider sent them`}
    >
      {entries.length === 0 ? (
        <p className={layout.note}>The provider sent no further fields.</p>
      ) : (
        <dl className={styles.raw}>
          {entries.map(([key, value]) => (
            <div key={key} className={styles.rawRow}>
              <dt>{key}</dt>
              <dd>
                {value !== null && typeof value === 'object' && JSON.stringify(value).length > 60 ? (
                  <pre>{JSON.stringify(value, null, 2)}</pre>
                ) : (
                  <code>{typeof value === 'object' ? JSON.stringify(value) : String(value)}</code>
                )}
              </dd>
            </div>
          ))}
        </dl>
      )}
    </Card>
  );
}
