import { DescribeInstancesCommand, type Filter, type Instance, type Reservation } from '@aws-sdk/client-ec2';
import type { Ec2Api } from './api';
import { paginate } from './pages';

/** Every instance of one region that `filters` select, with its reservation, page by page. */
export function instancePages(
  api: Ec2Api,
  region: string,
  pageSize: number,
  filters: Filter[] | undefined,
  signal: AbortSignal,
): AsyncGenerator<[Instance, Reservation]> {
  return paginate(signal, async (token) => {
    const out = await api.call(
      region,
      (c, o) =>
        c.send(new DescribeInstancesCommand({ MaxResults: pageSize, NextToken: token, Filters: filters }), o),
      signal,
    );
    return {
      next: out.NextToken,
      items: (out.Reservations ?? []).flatMap((reservation) =>
        (reservation.Instances ?? []).map((instance): [Instance, Reservation] => [instance, reservation]),
      ),
    };
  });
}
