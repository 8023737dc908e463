import { useState } from 'react';
import { Button } from './Button';
import { CheckIcon, CopyIcon } from './icons';

/** Copies text to the clipboard and says so for a moment. */
export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <Button
      size="xs"
      variant="ghost"
      icon={copied ? <CheckIcon /> : <CopyIcon />}
      aria-label={copied ? 'Copied' : label}
      title={label}
      onClick={async () => {
        try {
          await navigator.clipboard.writeText(text);
          setCopied(true);
          setTimeout(() => setCopied(false), 1500);
        } catch {
          // Clipboard blocked (insecure origin): the text stays selectable on the page.
        }
      }}
    />
  );
}
