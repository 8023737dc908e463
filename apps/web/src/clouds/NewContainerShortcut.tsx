import { useState } from 'react';
import type { Cloud } from '../api/types';
import { useProviderMeta } from '../providers/meta';
import { Button } from '../ui/Button';
import { Card } from '../ui/Card';
import { PlusIcon } from '../ui/icons';
import { CreateContainerDialog } from './CreateContainerDialog';
import styles from './clouds.module.css';

/**
 * Docker engines take containers, not machines of a size and image: this offers their own
 * "New container" dialog where a machine would be created.
 */
export function NewContainerShortcut({ clouds }: { clouds: Cloud[] }) {
  const providerMeta = useProviderMeta();
  const engines = clouds.filter((c) => providerMeta(c.provider).features.containers && c.enabled);
  const [engine, setEngine] = useState<Cloud | null>(null);
  if (engines.length === 0) return null;
  return (
    <Card>
      <div className={styles.containerShortcut}>
        <span>Docker engines run containers: start one from an image.</span>
        {engines.map((c) => (
          <Button key={c.id} size="sm" icon={<PlusIcon />} onClick={() => setEngine(c)}>
            New container on {c.title}
          </Button>
        ))}
      </div>
      {engine && <CreateContainerDialog cloud={engine} onClose={() => setEngine(null)} />}
    </Card>
  );
}
