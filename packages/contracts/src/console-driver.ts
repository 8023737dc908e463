import type { ProviderDriver } from './provider';

// What a driver adds when its module says `features.console`: where a machine's graphical
// console listens ('graphical'), or the text its serial port printed ('serial'). Optional: core
// asks `isGraphicalConsoleDriver` / `isSerialConsoleDriver` rather than the provider's name.

/** A VNC server to relay a browser's RFB stream to. */
export interface GraphicalConsoleTarget {
  protocol: 'vnc';
  host: string;
  port: number;
}

export interface GraphicalConsoleDriver extends ProviderDriver {
  /** Where the machine's VNC server listens; a ProviderError when it has none. */
  consoleTarget(externalId: string): Promise<GraphicalConsoleTarget>;
}

/** Serial output from a cursor on: the text, and the cursor to ask from next time. */
export interface SerialOutput {
  text: string;
  /** Opaque to callers: hand it back as `since` to get only what came after. */
  next: string;
  /** Older output was dropped by the provider before `since`: the text starts later. */
  truncated: boolean;
}

export interface SerialConsoleDriver extends ProviderDriver {
  /** The serial console's output after `since` (everything the provider keeps without it). */
  serialOutput(externalId: string, since?: string): Promise<SerialOutput>;
}

/** A console the provider's own application opens, from a short-lived ticket. */
export interface TicketConsoleDriver extends ProviderDriver {
  /** A one-time URL for the machine's console (vmrc://…), valid for about a minute. */
  consoleTicket(externalId: string): Promise<string>;
}

export function isTicketConsoleDriver(driver: ProviderDriver): driver is TicketConsoleDriver {
  return typeof (driver as Partial<TicketConsoleDriver>).consoleTicket === 'function';
}

export function isGraphicalConsoleDriver(driver: ProviderDriver): driver is GraphicalConsoleDriver {
  return typeof (driver as Partial<GraphicalConsoleDriver>).consoleTarget === 'function';
}

export function isSerialConsoleDriver(driver: ProviderDriver): driver is SerialConsoleDriver {
  return typeof (driver as Partial<SerialConsoleDriver>).serialOutput === 'function';
}
