import type { ReactNode } from 'react';

/** One choice of a radio group drawn as a row or a card: the whole box is its label. */
export function RadioOption({
  name,
  value,
  chosen,
  onChoose,
  className,
  chosenClassName,
  title,
  children,
}: {
  name: string;
  value: string;
  chosen: boolean;
  onChoose: () => void;
  className: string | undefined;
  /** Added while this is the choice. */
  chosenClassName: string | undefined;
  title?: string;
  children: ReactNode;
}) {
  return (
    <label className={[className, chosen && chosenClassName].filter(Boolean).join(' ')} title={title}>
      <input type="radio" name={name} value={value} checked={chosen} onChange={onChoose} />
      {children}
    </label>
  );
}
