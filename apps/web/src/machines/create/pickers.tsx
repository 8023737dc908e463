import { useMemo, useState } from 'react';
import type { Image, Size } from '../../api/types';
import { formatMemory, formatMoney } from '../../format/number';
import { SearchField } from '../../ui/filters';
import layout from '../../ui/layout.module.css';
import { RadioOption } from '../../ui/RadioOption';
import styles from '../CreateMachinePage.module.css';
import { bootsOn } from './useCreateMachineForm';

export function SizePicker({
  sizes,
  value,
  onChange,
  location,
}: {
  sizes: Size[];
  value: string;
  onChange: (value: string) => void;
  location: string;
}) {
  const [filter, setFilter] = useState('');
  const shown = sizes.filter((s) => `${s.name} ${s.externalId}`.toLowerCase().includes(filter.toLowerCase()));
  if (sizes.length === 0) {
    return (
      <p className={styles.empty}>
        {location ? 'No sizes are offered in this location.' : 'No sizes are known for this cloud yet.'}
      </p>
    );
  }
  return (
    <div className={layout.stackTight}>
      {sizes.length > 8 && <SearchField value={filter} onChange={setFilter} label="Filter sizes" />}
      <div className={styles.options} role="radiogroup" aria-label="Size">
        <div className={`${styles.option} ${styles.optionHead}`} aria-hidden="true">
          <span />
          <span>Size</span>
          <span>vCPU</span>
          <span>Memory</span>
          <span>Disk</span>
          <span className={styles.end}>Per month</span>
        </div>
        {shown.slice(0, 60).map((s) => (
          <RadioOption
            key={s.externalId}
            name="size"
            value={s.externalId}
            chosen={value === s.externalId}
            onChoose={() => onChange(s.externalId)}
            className={styles.option}
            chosenClassName={styles.chosen}
          >
            <span className={styles.optionName}>
              {s.name}
              {s.architectures.length > 0 && (
                <span className={styles.optionArch}> {s.architectures.join('/')}</span>
              )}
            </span>
            <span>{s.cpus ?? '—'}</span>
            <span>{formatMemory(s.memoryMb)}</span>
            <span>{s.diskGb === null ? '—' : `${s.diskGb} GB`}</span>
            <span className={`${styles.end} ${styles.num}`}>
              {s.priceMonthly ? formatMoney(s.priceMonthly, s.currency) : '—'}
            </span>
          </RadioOption>
        ))}
        {shown.length === 0 && <p className={styles.empty}>No size matches “{filter}”.</p>}
      </div>
    </div>
  );
}

export function ImagePicker({
  images,
  value,
  onChange,
  location,
  size,
}: {
  images: Image[];
  value: string;
  onChange: (value: string) => void;
  location: string;
  size: Size | undefined;
}) {
  const [filter, setFilter] = useState('');
  const needle = filter.toLowerCase();
  const sorted = useMemo(
    () =>
      images
        .filter((i) => bootsOn(i, size))
        .sort(
          (a, b) =>
            Number(b.isPublic) - Number(a.isPublic) ||
            (a.os ?? '').localeCompare(b.os ?? '') ||
            a.name.localeCompare(b.name),
        ),
    [images, size],
  );
  const shown = sorted.filter((i) =>
    `${i.name} ${i.providerName} ${i.os ?? ''} ${i.architecture ?? ''} ${i.externalId}`
      .toLowerCase()
      .includes(needle),
  );
  if (images.length === 0)
    return (
      <p className={styles.empty}>
        {location ? 'No images are offered in this location.' : 'No images are known for this cloud yet.'}
      </p>
    );
  const limit = 40;
  return (
    <div className={layout.stackTight}>
      {sorted.length > 8 && <SearchField value={filter} onChange={setFilter} label="Filter images" />}
      <div className={styles.imageGrid} role="radiogroup" aria-label="Image">
        {shown.slice(0, limit).map((i) => (
          <RadioOption
            key={i.externalId}
            name="image"
            value={i.externalId}
            chosen={value === i.externalId}
            onChoose={() => onChange(i.externalId)}
            className={styles.imageOption}
            chosenClassName={styles.chosen}
            title={i.providerName === i.externalId ? i.externalId : `${i.providerName} (${i.externalId})`}
          >
            <span className={styles.imageText}>
              <span className={styles.imageName}>{i.name}</span>
              <span className={styles.imageMeta}>
                {/* The id comes last: on a narrow card it is what gets cut, never the architecture. */}
                {[
                  i.architecture,
                  i.os,
                  i.isPublic ? 'public' : 'private',
                  i.externalId !== i.name ? i.externalId : null,
                ]
                  .filter(Boolean)
                  .join(' · ')}
              </span>
            </span>
          </RadioOption>
        ))}
      </div>
      {shown.length > limit && (
        <p className={styles.empty}>{shown.length - limit} more; type to narrow the list.</p>
      )}
      {shown.length === 0 && (
        <p className={styles.empty}>
          {filter ? `No image matches “${filter}”.` : `No image here runs on ${size?.name ?? 'this size'}.`}
        </p>
      )}
      {!location && <p className={layout.note}>Choose a location to see only the images offered there.</p>}
      {size && size.architectures.length > 0 && sorted.length < images.length && (
        <p className={layout.note}>
          Showing the {size.architectures.join('/')} images that run on {size.name}.
        </p>
      )}
    </div>
  );
}
