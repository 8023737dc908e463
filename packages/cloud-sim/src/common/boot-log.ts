// What an emulated machine prints on its serial port while it boots: the same few kernel and
// init lines a small Linux guest shows, stamped with the boot's number so each boot is told apart.

/** The lines one boot appends to a machine's serial console. */
export function bootLog(name: string, boot: number, at: number): string {
  const stamp = new Date(at).toISOString();
  return [
    `[    0.000000] Linux version 6.1.0-cloud (boot ${boot}, ${stamp})`,
    '[    0.000000] Command line: BOOT_IMAGE=/vmlinuz root=LABEL=root console=ttyS0,115200',
    '[    0.412000] Serial: 8250/16550 driver, 4 ports, IRQ sharing enabled',
    '[    1.020000] EXT4-fs (vda1): mounted filesystem with ordered data mode',
    '[    2.310000] systemd[1]: Reached target Multi-User System.',
    `${name} login: `,
    '',
  ].join('\r\n');
}

/** Serial output kept per machine; older text is dropped from the front (as providers do). */
export const SERIAL_KEEP_BYTES = 256 * 1024;

/** `log` with `text` appended, trimmed to what is kept. */
export function appendSerial(log: string, text: string): string {
  const next = log + text;
  return next.length > SERIAL_KEEP_BYTES ? next.slice(next.length - SERIAL_KEEP_BYTES) : next;
}
