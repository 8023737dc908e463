import { useTheme } from '../theme/useTheme';
import { Button } from '../ui/Button';
import { MoonIcon, SunIcon } from '../ui/icons';

export function ThemeToggle() {
  const [theme, setTheme] = useTheme();
  const next = theme === 'dark' ? 'light' : 'dark';
  const label = `Switch to ${next} theme`;
  return (
    <Button
      variant="ghost"
      size="sm"
      aria-label={label}
      title={label}
      onClick={() => setTheme(next)}
      icon={theme === 'dark' ? <SunIcon /> : <MoonIcon />}
    />
  );
}
