import type { MachineAction } from '../api/types';
import { plural } from '../format/number';
import { Button } from '../ui/Button';
import { CloseIcon, PlayIcon, RebootIcon, StopIcon, TagIcon, TrashIcon } from '../ui/icons';
import layout from '../ui/layout.module.css';
import styles from './machines.module.css';

/** What can be done to the selected machines at once. */
export function BulkBar({
  count,
  onAction,
  onTag,
  onClear,
}: {
  count: number;
  onAction: (action: MachineAction) => void;
  onTag: () => void;
  onClear: () => void;
}) {
  return (
    <div className={styles.bulkBar} role="toolbar" aria-label="Actions on selected machines">
      <span className={styles.bulkCount}>{plural(count, 'machine')} selected</span>
      <div className={styles.bulkActions}>
        <Button size="sm" icon={<PlayIcon />} onClick={() => onAction('start')}>
          Start
        </Button>
        <Button size="sm" icon={<StopIcon />} onClick={() => onAction('stop')}>
          Stop
        </Button>
        <Button size="sm" icon={<RebootIcon />} onClick={() => onAction('reboot')}>
          Reboot
        </Button>
        <Button size="sm" icon={<TagIcon />} onClick={onTag}>
          Tag
        </Button>
        <Button
          size="sm"
          icon={<TrashIcon />}
          onClick={() => onAction('destroy')}
          className={layout.dangerText}
        >
          Destroy
        </Button>
      </div>
      <Button size="sm" variant="ghost" icon={<CloseIcon />} onClick={onClear}>
        Clear selection
      </Button>
    </div>
  );
}
