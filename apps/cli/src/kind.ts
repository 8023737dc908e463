import type { StreamEvent } from '@overcast/contracts';
import type { Client } from './client';
import type { Invocation } from './command';
import type { Column } from './output';

/** A kind `get` lists: fetched with its filters, shown in its columns, watched by its events. */
export interface Kind<T extends { id: string }> {
  name: string;
  aliases: string[];
  /** The `get` options that filter this kind. */
  filters: string[];
  columns: Column<T>[];
  list(client: Client, cli: Invocation): Promise<T[]>;
  /** One by name or id. */
  one(client: Client, ref: string): Promise<T>;
  changedBy(event: StreamEvent): boolean;
}
