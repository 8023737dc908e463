import type { SshKey } from '../api/types';
import { CopyButton } from '../ui/CopyButton';
import styles from './keys.module.css';

/** A key's public half as one line, ready to paste into ~/.ssh/authorized_keys, with a copy button. */
export function PublicKey({ sshKey }: { sshKey: Pick<SshKey, 'name' | 'publicKey'> }) {
  return (
    <figure className={styles.publicKey}>
      <figcaption className="visually-hidden">Public key of {sshKey.name}</figcaption>
      <code>{sshKey.publicKey}</code>
      <CopyButton text={sshKey.publicKey} label={`Copy public key of ${sshKey.name}`} />
    </figure>
  );
}
