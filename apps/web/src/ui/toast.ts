// Short results of actions ("Stop sent to web-1"), shown at the corner of the window.
// A tiny store outside React so any code (mutations, the live stream) can raise one.

export type ToastTone = 'success' | 'error' | 'info';

export interface Toast {
  id: number;
  tone: ToastTone;
  title: string;
  description?: string | undefined;
  /** Toasts with the same key replace each other (progress, then result). */
  key?: string | undefined;
  busy?: boolean | undefined;
}

interface ToastOptions {
  description?: string;
  key?: string;
  busy?: boolean;
  /** Milliseconds before it goes away; 0 keeps it until dismissed or replaced. */
  duration?: number;
}

let toasts: Toast[] = [];
let nextId = 1;
const listeners = new Set<() => void>();
const timers = new Map<number, ReturnType<typeof setTimeout>>();

function emit(): void {
  for (const listener of listeners) listener();
}

export function subscribeToasts(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export const getToasts = (): Toast[] => toasts;

export function dismissToast(id: number): void {
  clearTimeout(timers.get(id));
  timers.delete(id);
  toasts = toasts.filter((t) => t.id !== id);
  emit();
}

function show(tone: ToastTone, title: string, options: ToastOptions = {}): number {
  const { key, duration = options.busy ? 0 : tone === 'error' ? 10_000 : 5_000 } = options;
  const previous = key ? toasts.find((t) => t.key === key) : undefined;
  if (previous) dismissToast(previous.id);
  const id = nextId++;
  toasts = [...toasts, { id, tone, title, description: options.description, key, busy: options.busy }].slice(
    -5,
  );
  if (duration > 0)
    timers.set(
      id,
      setTimeout(() => dismissToast(id), duration),
    );
  emit();
  return id;
}

export const toast = {
  success: (title: string, options?: ToastOptions) => show('success', title, options),
  error: (title: string, options?: ToastOptions) => show('error', title, options),
  info: (title: string, options?: ToastOptions) => show('info', title, options),
};
