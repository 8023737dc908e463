import type { ReactNode } from 'react';
import {
  ActivityIcon,
  AlertIcon,
  BoltIcon,
  ClockIcon,
  CloudIcon,
  DashboardIcon,
  KeyIcon,
  ServerIcon,
  TerminalIcon,
  UsersIcon,
  VolumeIcon,
} from '../ui/icons';

export interface NavItem {
  to: string;
  label: string;
  icon: ReactNode;
}

export interface NavGroup {
  label: string;
  items: NavItem[];
}

/** The sections of the app, in menu order. Routes are declared in router.tsx. */
export const navigation: NavGroup[] = [
  { label: 'Overview', items: [{ to: '/', label: 'Dashboard', icon: <DashboardIcon /> }] },
  {
    label: 'Infrastructure',
    items: [
      { to: '/clouds', label: 'Clouds', icon: <CloudIcon /> },
      { to: '/machines', label: 'Machines', icon: <ServerIcon /> },
      { to: '/volumes', label: 'Volumes', icon: <VolumeIcon /> },
      { to: '/keys', label: 'Keys', icon: <KeyIcon /> },
      { to: '/monitoring', label: 'Monitoring', icon: <ActivityIcon /> },
    ],
  },
  {
    label: 'Automation',
    items: [
      { to: '/scripts', label: 'Scripts', icon: <TerminalIcon /> },
      { to: '/schedules', label: 'Schedules', icon: <ClockIcon /> },
      { to: '/rules', label: 'Rules', icon: <BoltIcon /> },
      { to: '/incidents', label: 'Incidents', icon: <AlertIcon /> },
    ],
  },
  {
    label: 'Organization',
    items: [
      { to: '/activity', label: 'Activity', icon: <ActivityIcon /> },
      { to: '/team', label: 'Team', icon: <UsersIcon /> },
    ],
  },
];
