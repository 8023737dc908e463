import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import { actionLinkPreviewQuery, redeemActionLink } from '../api/actionLinks';
import { errorText } from '../api/errors';
import { incidentKeys } from '../api/monitoring';
import type { ActionLinkPreview } from '../api/types';
import { useSession } from '../auth/SessionContext';
import { Alert } from '../ui/Alert';
import { Button, ButtonLink } from '../ui/Button';
import { Card } from '../ui/Card';
import layout from '../ui/layout.module.css';
import { Page } from '../ui/Page';
import { LoadingCard } from '../ui/QueryState';
import { RelativeTime } from '../ui/RelativeTime';
import { useResourceMutation } from '../ui/useResourceMutation';
import styles from './act.module.css';

/** The confirm button: short, so a long machine name never pushes it off a phone's screen. */
const CONFIRM: Record<ActionLinkPreview['action'], string> = {
  acknowledge: 'Acknowledge',
  reboot: 'Reboot',
  stop: 'Stop',
};

/** "Reboot web-1", "Acknowledge the incident": what the button asks for, in words. */
export function actionTitle(preview: Pick<ActionLinkPreview, 'action' | 'machineName'>): string {
  const machine = preview.machineName ?? 'the machine';
  if (preview.action === 'reboot') return `Reboot ${machine}`;
  if (preview.action === 'stop') return `Stop ${machine}`;
  return 'Acknowledge the incident';
}

/**
 * Where the Acknowledge, Reboot and Stop buttons of an incident message in chat lead. It says what
 * will happen and does it only when the person confirms, as themselves and with their own rights.
 */
export function ActPage() {
  const { token = '' } = useParams();
  const { user } = useSession();
  const preview = useQuery(actionLinkPreviewQuery(token));
  const act = useResourceMutation({
    mutationFn: () => redeemActionLink(token),
    // The outcome is shown in place, with a link to the incident, rather than in a toast.
    invalidates: [incidentKeys.all, ['machines']],
  });
  const p = preview.data;

  if (preview.isPending) {
    return (
      <Page title="Action from chat">
        <LoadingCard lines={3} />
      </Page>
    );
  }
  if (!p) {
    return (
      <Page title="Action from chat">
        <div className={layout.stack}>
          <Alert>{errorText(preview.error)}</Alert>
          <p>
            <Link to="/incidents">See the open incidents</Link> to act on them from Overcast.
          </p>
        </div>
      </Page>
    );
  }

  const danger = p.action !== 'acknowledge';
  const incidentLink = `/incidents/${p.incidentId}`;
  return (
    <Page
      title={actionTitle(p)}
      description="From a button in a chat message. Nothing happens until you confirm."
    >
      <Card className={styles.card}>
        <div className={layout.stack}>
          <dl className={layout.facts}>
            <div>
              <dt className={layout.factLabel}>Rule</dt>
              <dd>
                <Link to={incidentLink}>{p.ruleName}</Link>
              </dd>
            </div>
            <div>
              <dt className={layout.factLabel}>Incident</dt>
              <dd>
                {p.incidentStatus === 'open' ? 'Open' : 'Resolved'}
                {p.acknowledgedAt && ' · acknowledged'}
              </dd>
            </div>
            {p.machineId && (
              <div>
                <dt className={layout.factLabel}>Machine</dt>
                <dd>
                  <Link to={`/machines/${p.machineId}`}>{p.machineName ?? 'machine'}</Link>
                </dd>
              </div>
            )}
            <div>
              <dt className={layout.factLabel}>Link expires</dt>
              <dd>
                <RelativeTime value={p.expiresAt} />
              </dd>
            </div>
          </dl>
          <p className={layout.muted}>
            {danger
              ? `Overcast will ${p.action} the machine as ${user.email}, if your role and team policies let you now. It is recorded in the activity log under your name.`
              : `The incident will be marked acknowledged by ${user.email}.`}{' '}
            The link works once.
          </p>
          {act.isSuccess ? (
            <Alert tone="info">
              {act.data.message} <Link to={incidentLink}>Open the incident</Link>
            </Alert>
          ) : (
            <>
              {act.isError && <Alert>{errorText(act.error)}</Alert>}
              <div className={styles.actions}>
                <Button
                  variant={danger ? 'danger' : 'primary'}
                  busy={act.isPending}
                  onClick={() => act.mutate()}
                >
                  {CONFIRM[p.action]}
                </Button>
                <ButtonLink to={incidentLink}>Cancel</ButtonLink>
              </div>
            </>
          )}
        </div>
      </Card>
    </Page>
  );
}
