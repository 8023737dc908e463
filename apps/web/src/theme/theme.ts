// Light or dark: the system's choice unless the user picked one, which is remembered.
// Keep STORAGE_KEY in sync with public/theme-init.js, which applies it before first paint.

export type Theme = 'light' | 'dark';

const STORAGE_KEY = 'overcast.theme';
const darkQuery = '(prefers-color-scheme: dark)';
const listeners = new Set<() => void>();

function storedTheme(): Theme | null {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return value === 'light' || value === 'dark' ? value : null;
  } catch {
    return null; // storage blocked (privacy mode): just follow the system
  }
}

function systemTheme(): Theme {
  return window.matchMedia(darkQuery).matches ? 'dark' : 'light';
}

function preferredTheme(): Theme {
  return storedTheme() ?? systemTheme();
}

/** The theme on screen right now. */
export function displayedTheme(): Theme {
  return document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light';
}

function apply(): void {
  document.documentElement.dataset.theme = preferredTheme();
  for (const listener of listeners) listener();
}

export function setTheme(theme: Theme): void {
  try {
    // Choosing what the system already shows means "follow the system" again.
    if (theme === systemTheme()) localStorage.removeItem(STORAGE_KEY);
    else localStorage.setItem(STORAGE_KEY, theme);
  } catch {
    // Not persisted, but still applied for this page.
  }
  document.documentElement.dataset.theme = theme;
  for (const listener of listeners) listener();
}

export function subscribeTheme(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Follows system changes and choices made in other tabs. Call once at startup. */
export function watchTheme(): void {
  window.matchMedia(darkQuery).addEventListener('change', apply);
  window.addEventListener('storage', (event) => {
    if (event.key === STORAGE_KEY || event.key === null) apply();
  });
  apply();
}
