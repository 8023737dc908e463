import type { ButtonHTMLAttributes, ReactNode, Ref } from 'react';
import { Link, type LinkProps } from 'react-router-dom';
import styles from './Button.module.css';
import { CloseIcon } from './icons';
import { Spinner } from './Spinner';

type Variant = 'primary' | 'secondary' | 'ghost' | 'danger';
type Size = 'md' | 'sm' | 'xs';

interface Look {
  variant?: Variant;
  size?: Size;
  block?: boolean;
}

function buttonClass({ variant = 'secondary', size = 'md', block = false }: Look, extra?: string): string {
  return [styles.button, styles[variant], styles[size], block && styles.block, extra]
    .filter(Boolean)
    .join(' ');
}

interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement>, Look {
  /** Shows a spinner and disables the button while an action runs. */
  busy?: boolean;
  icon?: ReactNode;
  ref?: Ref<HTMLButtonElement>;
}

export function Button({
  variant,
  size,
  block,
  busy = false,
  icon,
  className,
  children,
  disabled,
  ...rest
}: ButtonProps) {
  return (
    <button
      type="button"
      {...rest}
      className={buttonClass(
        { variant, size, block },
        [className, !children && styles.iconOnly].filter(Boolean).join(' '),
      )}
      disabled={disabled || busy}
      aria-busy={busy || undefined}
    >
      {busy ? <Spinner size="sm" /> : icon}
      {children}
    </button>
  );
}

interface ButtonLinkProps extends LinkProps, Look {
  icon?: ReactNode;
}

/** A navigation link that looks like a button (for actions that lead to another page). */
export function ButtonLink({ variant, size, block, icon, className, children, ...rest }: ButtonLinkProps) {
  return (
    <Link {...rest} className={buttonClass({ variant, size, block }, className)}>
      {icon}
      {children}
    </Link>
  );
}

interface CloseButtonProps extends Omit<ButtonProps, 'variant' | 'icon' | 'children' | 'aria-label'> {
  /** What it does, for screen readers: "Close", "Dismiss", "Remove tag env". */
  label: string;
}

/** A small ghost × that closes or removes the thing it sits on. */
export function CloseButton({ label, size = 'sm', ...rest }: CloseButtonProps) {
  return <Button {...rest} variant="ghost" size={size} aria-label={label} icon={<CloseIcon />} />;
}
