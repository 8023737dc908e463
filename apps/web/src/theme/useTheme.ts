import { useSyncExternalStore } from 'react';
import { displayedTheme, setTheme, subscribeTheme, type Theme } from './theme';

export function useTheme(): [Theme, (theme: Theme) => void] {
  const theme = useSyncExternalStore(subscribeTheme, displayedTheme);
  return [theme, setTheme];
}
