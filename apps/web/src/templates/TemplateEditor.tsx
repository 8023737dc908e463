import { useId, useRef } from 'react';
import type { TemplateProblem } from '../api/types';
import layout from '../ui/layout.module.css';
import styles from './templates.module.css';

/** Where line `line` (1-based) starts and ends in `text`. */
export function lineRange(text: string, line: number): [number, number] {
  let start = 0;
  for (let n = 1; n < line; n++) {
    const next = text.indexOf('\n', start);
    if (next === -1) break;
    start = next + 1;
  }
  const end = text.indexOf('\n', start);
  return [start, end === -1 ? text.length : end];
}

/**
 * A template's YAML in a textarea beside a line-number gutter (typing, undo and selection stay
 * the browser's). Lines never wrap, so the numbers stay true; the problems found are marked in
 * the gutter and listed below, each moving the caret to its line.
 */
export function TemplateEditor({
  value,
  onChange,
  problems,
  readOnly = false,
  label = 'Template source',
}: {
  value: string;
  onChange: (value: string) => void;
  problems: TemplateProblem[];
  readOnly?: boolean;
  label?: string;
}) {
  const id = useId();
  const input = useRef<HTMLTextAreaElement>(null);
  const gutter = useRef<HTMLDivElement>(null);
  const lines = value.split('\n').length;
  const byLine = new Map<number, TemplateProblem[]>();
  for (const p of problems) byLine.set(p.line, [...(byLine.get(p.line) ?? []), p]);

  const selectLine = (line: number) => {
    const area = input.current;
    if (!area) return;
    const [start, end] = lineRange(area.value, line);
    area.focus();
    area.setSelectionRange(start, end);
    // Bring the line into view, a third of the way down, whatever the browser does on focus.
    const lineHeight = Number.parseFloat(getComputedStyle(area).lineHeight) || 20;
    area.scrollTop = Math.max(0, (line - 1) * lineHeight - area.clientHeight / 3);
  };

  return (
    <div className={layout.stackSmall}>
      <div>
        <label htmlFor={id} className="visually-hidden">
          {label}
        </label>
        <div className={styles.editor}>
          <div ref={gutter} className={styles.gutter} aria-hidden="true" data-testid="template-gutter">
            {Array.from({ length: lines }, (_, i) => {
              const here = byLine.get(i + 1);
              return (
                <span
                  // biome-ignore lint/suspicious/noArrayIndexKey: a line number is its own identity
                  key={i}
                  className={here ? styles.problemLine : undefined}
                  data-problem-line={here ? i + 1 : undefined}
                  title={here?.map((p) => p.message).join('\n')}
                >
                  {i + 1}
                </span>
              );
            })}
          </div>
          <textarea
            id={id}
            ref={input}
            className={styles.input}
            value={value}
            readOnly={readOnly}
            wrap="off"
            spellCheck={false}
            autoCapitalize="off"
            autoComplete="off"
            onChange={(e) => onChange(e.target.value)}
            onScroll={(e) => {
              if (gutter.current) gutter.current.scrollTop = e.currentTarget.scrollTop;
            }}
          />
        </div>
      </div>
      {problems.length > 0 && (
        <ul className={styles.problems} aria-label="Problems">
          {problems.map((p) => (
            <li key={`${p.line}:${p.column}:${p.field}:${p.message}`}>
              <button type="button" className={styles.problem} onClick={() => selectLine(p.line)}>
                <strong>Line {p.line}</strong> <span className={styles.field}>{p.field}</span>: {p.message}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
