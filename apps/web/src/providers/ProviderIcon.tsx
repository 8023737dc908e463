import { useProviderMeta } from './meta';
import styles from './ProviderIcon.module.css';

/** A small provider mark; the label is its accessible name unless `decorative`. */
export function ProviderIcon({ provider, decorative = false }: { provider: string; decorative?: boolean }) {
  const providerMeta = useProviderMeta();
  const meta = providerMeta(provider);
  const look = {
    className: styles.icon,
    style: { background: meta.background, color: meta.foreground },
    'data-size': meta.mark.length > 2 ? 'long' : undefined,
  };
  if (decorative) {
    return (
      <span {...look} aria-hidden="true">
        {meta.mark}
      </span>
    );
  }
  return (
    <span {...look} role="img" aria-label={meta.label} title={meta.label}>
      {meta.mark}
    </span>
  );
}
