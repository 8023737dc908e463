import type { ConsoleTicket } from '@overcast/contracts';
import { useMutation } from '@tanstack/react-query';
import { api } from '../api/client';
import { errorText } from '../api/errors';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { TerminalIcon } from '../ui/icons';
import layout from '../ui/layout.module.css';

/**
 * Asks for a one-time console link and hands it to the person's computer, which opens it in the
 * provider's console application (vmrc:// in VMware Remote Console). The link is good for a minute,
 * so it is asked for on the click, never shown or kept.
 */
export function ConsoleTicketButton({ machineId }: { machineId: string }) {
  const open = useMutation({
    mutationFn: () => api.post<ConsoleTicket>(`/api/v1/machines/${machineId}/console/ticket`),
    onSuccess: (ticket) => window.location.assign(ticket.url),
  });
  return (
    <div className={layout.stackTight}>
      <span>
        <Button
          size="sm"
          variant="primary"
          icon={<TerminalIcon />}
          busy={open.isPending}
          onClick={() => open.mutate()}
        >
          Open in console application
        </Button>
      </span>
      {open.isSuccess && (
        <p className={layout.note} role="status">
          Handed to your console application. Nothing opened? Install VMware Remote Console, then click again
          (each link works once, for a minute).
        </p>
      )}
      {open.isError && <Alert>{errorText(open.error)}</Alert>}
    </div>
  );
}
