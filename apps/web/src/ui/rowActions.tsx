import type { ResourceKind } from '@overcast/contracts/authz';
import type { ReactNode } from 'react';
import { PencilIcon, TrashIcon } from './icons';
import type { RowAction } from './ResourceTable';

/**
 * The menu of a resource that can be edited, switched on and off, and deleted (schedules,
 * rules, channels), each action behind the right it needs.
 */
export function editSwitchDelete<T>(
  kind: ResourceKind,
  handlers: {
    edit: (row: T) => void;
    switchLabel: (row: T) => string;
    switchIcon: ReactNode;
    onSwitch: (row: T) => void;
    remove: (row: T) => void;
  },
): RowAction<T>[] {
  return [
    { label: 'Edit', icon: <PencilIcon />, requires: { kind, action: 'edit' }, onSelect: handlers.edit },
    {
      label: handlers.switchLabel,
      icon: handlers.switchIcon,
      requires: { kind, action: 'edit' },
      onSelect: handlers.onSwitch,
    },
    {
      label: 'Delete',
      icon: <TrashIcon />,
      danger: true,
      requires: { kind, action: 'delete' },
      onSelect: handlers.remove,
    },
  ];
}
