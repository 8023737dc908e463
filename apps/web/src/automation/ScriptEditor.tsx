import { useId } from 'react';
import layout from '../ui/layout.module.css';
import styles from './automation.module.css';
import { type TokenKind, tokenize, tokenizeYaml } from './highlight';

const CLASS: Record<TokenKind, string | undefined> = {
  comment: styles.tComment,
  string: styles.tString,
  variable: styles.tVariable,
  keyword: styles.tKeyword,
  shebang: layout.warnText,
  text: undefined,
};

/** A code editor: a plain textarea (so typing, undo and selection are the browser's) over a coloured copy. */
export function ScriptEditor({
  value,
  onChange,
  label,
  readOnly = false,
  language = 'shell',
  testId = 'script-editor',
}: {
  value: string;
  onChange: (value: string) => void;
  label: string;
  readOnly?: boolean;
  /** How it is coloured: a shell script, or YAML (a playbook, a requirements file). */
  language?: 'shell' | 'yaml';
  testId?: string;
}) {
  const id = useId();
  return (
    <div>
      <label htmlFor={id} className="visually-hidden">
        {label}
      </label>
      <div className={styles.editor}>
        <pre className={styles.editorLayer} aria-hidden="true">
          {(language === 'yaml' ? tokenizeYaml : tokenize)(value).map((t, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: tokens have no identity beyond their place
            <span key={i} className={CLASS[t.kind]}>
              {t.text}
            </span>
          ))}
          {/* A trailing newline needs a character after it to take up its line. */}
          {'\u200b'}
        </pre>
        <textarea
          id={id}
          className={styles.editorInput}
          value={value}
          readOnly={readOnly}
          spellCheck={false}
          autoCapitalize="off"
          autoComplete="off"
          data-testid={testId}
          onChange={(e) => onChange(e.target.value)}
        />
      </div>
    </div>
  );
}
