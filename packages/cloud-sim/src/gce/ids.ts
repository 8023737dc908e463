/** Numeric ids, unique across the emulator as they are across Google. */
export class IdSource {
  private n = 5_100_000_000_000_000;
  next = (): string => String(++this.n);
}
