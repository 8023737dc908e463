import type { ResourceKind } from '@overcast/contracts/authz';
import type { ReactNode } from 'react';
import { usePermissions } from '../auth/permissions';
import { Button } from './Button';
import { PlusIcon } from './icons';

/**
 * A list page's primary "New …" button, for its header and its empty state; nothing for someone
 * who may not create the kind (the API would refuse them anyway).
 */
export function useCreateButton(kind: ResourceKind, label: string, onClick: () => void): ReactNode {
  const permissions = usePermissions();
  if (!permissions.can(kind, 'create')) return undefined;
  return (
    <Button variant="primary" icon={<PlusIcon />} onClick={onClick}>
      {label}
    </Button>
  );
}
