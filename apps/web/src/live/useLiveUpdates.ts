import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { createEventApplier } from './applyEvents';
import { openLiveSocket } from './socket';
import { liveStatus } from './status';

/** Keeps the signed-in app current from the event stream. Mount once, in the shell. */
export function useLiveUpdates(): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    const applier = createEventApplier(queryClient);
    const close = openLiveSocket({
      onEvent: applier.push,
      onStatus: liveStatus.set,
      onSubscribed: applier.resync,
    });
    return () => {
      close();
      applier.dispose();
    };
  }, [queryClient]);
}
