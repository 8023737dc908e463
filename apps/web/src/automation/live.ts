export function applyAutomationEvent(_q: unknown, _e: unknown): void {}
