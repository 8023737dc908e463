import { type Static, Type as T } from '@sinclair/typebox';
import { IsoDateTime, Strict, Uuid } from './common';

const Dimension = (fallback: number) => T.Integer({ minimum: 1, maximum: 1000, default: fallback });
const Address = T.Union([T.Literal('public'), T.Literal('private')], {
  description: 'Which of the machine’s addresses to use; default public (private when it has no public one)',
});

export const ShellQuery = Strict({
  cols: T.Optional(Dimension(80)),
  rows: T.Optional(Dimension(24)),
  address: T.Optional(Address),
  port: T.Optional(T.Integer({ minimum: 1, maximum: 65535, description: "Default: the machine's SSH port" })),
});
export type ShellQuery = Static<typeof ShellQuery>;

export const AcceptHostKeyRequest = Strict({
  fingerprint: T.String({ minLength: 1, maxLength: 200, description: 'The new host key, SHA256:...' }),
  address: T.Optional(Address),
  port: T.Optional(T.Integer({ minimum: 1, maximum: 65535 })),
});
export type AcceptHostKeyRequest = Static<typeof AcceptHostKeyRequest>;

export const HostKey = T.Object({
  host: T.String(),
  port: T.Integer(),
  algorithm: T.String(),
  fingerprint: T.String(),
  acceptedById: T.Union([Uuid, T.Null()], {
    description: 'The admin who accepted it; null: pinned on first use',
  }),
  createdAt: IsoDateTime,
});
export type HostKey = Static<typeof HostKey>;

export const HostKeyList = T.Object({ items: T.Array(HostKey) });

export const ShellSession = T.Object(
  {
    id: Uuid,
    machineId: Uuid,
    userId: T.Union([Uuid, T.Null()]),
    userName: T.Union([T.String(), T.Null()], {
      description: 'Who opened it: their name, else their email; null when the user is gone',
    }),
    startedAt: IsoDateTime,
    endedAt: T.Union([IsoDateTime, T.Null()]),
    endReason: T.Union([T.String(), T.Null()]),
    durationSeconds: T.Union([T.Number(), T.Null()]),
    bytesOut: T.Integer(),
    hasRecording: T.Boolean(),
  },
  { $id: 'ShellSession' },
);
export type ShellSession = Static<typeof ShellSession>;

export const ShellSessionList = T.Object({ items: T.Array(T.Ref(ShellSession)) });

// The terminal WebSocket. Binary frames carry terminal bytes both ways; text frames carry
// these JSON control messages.

export type ShellClientMessage =
  | { type: 'resize'; cols: number; rows: number }
  | { type: 'auth'; password: string }
  | { type: 'accept-host-key'; fingerprint: string };

export type ShellState = 'connecting' | 'connected' | 'closed';

export type ShellServerMessage =
  | {
      type: 'status';
      state: ShellState;
      reason?: string;
      sessionId?: string;
      hostKey?: { algorithm: string; fingerprint: string; firstUse: boolean };
    }
  | {
      type: 'error';
      code: string;
      message: string;
      expectedFingerprint?: string;
      actualFingerprint?: string;
    };

/** A one-time link that opens a machine's console in its provider's own application (features.console 'ticket'). */
export const ConsoleTicket = T.Object({
  url: T.String({ description: 'Open it on your computer: vmrc://… starts VMware Remote Console' }),
  expiresInSeconds: T.Integer({ description: 'How long the link is good for, once' }),
});
export type ConsoleTicket = Static<typeof ConsoleTicket>;
