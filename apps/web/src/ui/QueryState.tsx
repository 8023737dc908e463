import type { ReactNode } from 'react';
import { errorText } from '../api/errors';
import { Alert } from './Alert';
import { Button } from './Button';
import { Card } from './Card';
import layout from './layout.module.css';
import { Skeleton } from './Skeleton';

const WIDTHS = ['45%', '60%', '50%', '55%'];

/** What a section shows while its data loads (up to four lines). */
export function LoadingCard({ lines = 1 }: { lines?: number }) {
  return (
    <Card>
      <div role="status" aria-busy="true" aria-label="Loading" className={layout.stackTight}>
        {WIDTHS.slice(0, lines).map((width) => (
          <Skeleton key={width} width={width} />
        ))}
      </div>
    </Card>
  );
}

/** A failed load, in the server's words, with a way to try again. */
export function LoadError({ error, onRetry }: { error: unknown; onRetry: () => unknown }) {
  return (
    <Alert>
      {errorText(error)}{' '}
      <Button size="xs" onClick={() => onRetry()}>
        Try again
      </Button>
    </Alert>
  );
}

/** The part of a React Query result a section needs to show its state. */
export interface QueryLike {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  refetch: () => unknown;
}

/** Loading, then failure or the content: one way for every section fed by a query. */
export function QueryState({
  query,
  lines,
  children,
}: {
  query: QueryLike;
  lines?: number;
  children: ReactNode;
}) {
  if (query.isError) return <LoadError error={query.error} onRetry={query.refetch} />;
  if (query.isPending) return <LoadingCard lines={lines} />;
  return <>{children}</>;
}
