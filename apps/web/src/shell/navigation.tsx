import type { ReactNode } from 'react';
import {
  ActivityIcon,
  AlertIcon,
  BoltIcon,
  CheckCircleIcon,
  ClockIcon,
  CloudIcon,
  CoinIcon,
  CompassIcon,
  DashboardIcon,
  KeyIcon,
  PencilIcon,
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
      { to: '/dns', label: 'DNS', icon: <CompassIcon /> },
      { to: '/networks', label: 'Networks', icon: <CloudIcon /> },
      { to: '/firewalls', label: 'Firewalls', icon: <KeyIcon /> },
      { to: '/keys', label: 'Keys', icon: <KeyIcon /> },
      { to: '/monitoring', label: 'Monitoring', icon: <ActivityIcon /> },
      { to: '/cost', label: 'Cost', icon: <CoinIcon /> },
    ],
  },
  {
    label: 'Stacks',
    items: [
      { to: '/catalog', label: 'Catalog', icon: <CompassIcon /> },
      { to: '/stacks', label: 'Stacks', icon: <ServerIcon /> },
      { to: '/templates', label: 'Templates', icon: <PencilIcon /> },
      { to: '/deploy-requests', label: 'Approvals', icon: <CheckCircleIcon /> },
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
