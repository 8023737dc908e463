// Runs before the app: applies the stored or system theme to avoid a flash of the wrong one.
// Keep the storage key in sync with src/theme/theme.ts.
(() => {
  let stored = null;
  try {
    stored = localStorage.getItem('overcast.theme');
  } catch {}
  const dark =
    stored === 'dark' || (stored !== 'light' && window.matchMedia('(prefers-color-scheme: dark)').matches);
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
})();
