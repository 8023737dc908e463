/** Colours of the terminal and the replay: dark in both app themes, as terminals usually are. */
export const TERMINAL_THEME = {
  background: '#101418',
  foreground: '#e6e9ee',
  cursor: '#e6e9ee',
  selectionBackground: '#3b4a5e',
};
