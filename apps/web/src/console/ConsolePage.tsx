import { useQuery } from '@tanstack/react-query';
import { useParams } from 'react-router-dom';
import { machineDetailQuery } from '../api/machines';
import { useProviderMeta } from '../providers/meta';
import { Alert } from '../ui/Alert';
import { Page } from '../ui/Page';
import { LoadError } from '../ui/QueryState';
import { GraphicalConsole } from './GraphicalConsole';
import { SerialConsole } from './SerialConsole';

/** A machine's console: its screen (VNC) or its serial output, as its provider offers. */
export function ConsolePage() {
  const { id = '' } = useParams();
  const machine = useQuery(machineDetailQuery(id));
  const providerMeta = useProviderMeta();
  const m = machine.data?.machine;
  const name = m?.name ?? 'Machine';
  const kind = m ? providerMeta(m.provider).features.console : null;
  return (
    <Page title={`Console · ${name}`} back={{ to: `/machines/${id}`, label: name }} fill>
      {machine.error ? (
        <LoadError error={machine.error} onRetry={() => void machine.refetch()} />
      ) : kind === 'graphical' ? (
        <GraphicalConsole machineId={id} />
      ) : kind === 'serial' ? (
        <SerialConsole machineId={id} />
      ) : kind === 'none' ? (
        <Alert>This machine's provider offers no console; use the terminal (SSH) instead.</Alert>
      ) : null}
    </Page>
  );
}
