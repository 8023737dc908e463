import { useQuery } from '@tanstack/react-query';
import { errorText } from '../api/errors';
import { templateCheckQuery } from '../api/templates';
import type { TemplateProblem } from '../api/types';
import { useSettled } from '../ui/useSettled';

export interface TemplateCheck {
  /** The problems of the last source checked (kept while the next check runs). */
  problems: TemplateProblem[];
  /** Whether the source on screen is the one those problems are about. */
  current: boolean;
  /** Why the source could not be checked, when it could not. */
  error: string | null;
}

/** Checks a source as it is typed, once typing pauses, the way saving it would. */
export function useTemplateCheck(source: string, enabled = true): TemplateCheck {
  const settled = useSettled(source);
  const check = useQuery({ ...templateCheckQuery(settled), enabled: enabled && settled.trim() !== '' });
  return {
    problems: enabled ? (check.data?.problems ?? []) : [],
    current: settled === source && check.isSuccess && !check.isPlaceholderData,
    error: check.isError ? errorText(check.error) : null,
  };
}

/** Why a source cannot be saved yet, in words for the person saving it; null when it can. */
export function saveBlocker({
  name,
  source,
  unchanged,
  check,
}: {
  name: string;
  source: string;
  unchanged: boolean;
  check: TemplateCheck;
}): string | null {
  if (!name.trim()) return 'Give the template a name.';
  if (!source.trim()) return 'Write the template, or start from one in the gallery.';
  if (unchanged) return 'Nothing has changed since the current version.';
  if (check.error) return `The template could not be checked: ${check.error}`;
  if (!check.current) return 'Checking the template…';
  const n = check.problems.length;
  if (n > 0) return `Fix the ${n === 1 ? 'problem' : `${n} problems`} listed under the editor first.`;
  return null;
}
