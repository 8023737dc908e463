import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { formatDay } from '../format/time';
import layout from '../ui/layout.module.css';
import styles from './charts.module.css';

export interface BarItem {
  key: string;
  label: ReactNode;
  value: number;
  /** The value as shown (money, a count). */
  display: string;
  detail?: string;
  href?: string;
  color?: string;
}

/** Horizontal bars scaled to the largest value; each row is readable on its own. */
export function BarList({ items, empty }: { items: BarItem[]; empty: string }) {
  if (items.length === 0) return <p className={layout.note}>{empty}</p>;
  const max = Math.max(...items.map((i) => i.value), 0);
  return (
    <ul className={layout.listTight}>
      {items.map((item, index) => {
        const width = max > 0 ? Math.max(1.5, (item.value / max) * 100) : 0;
        const label = item.href ? (
          <Link to={item.href} className={styles.barLink}>
            {item.label}
          </Link>
        ) : (
          item.label
        );
        return (
          <li key={item.key} className={styles.bar}>
            <div className={styles.barText}>
              <span className={styles.barLabel}>{label}</span>
              <span className={styles.barValue}>
                {item.display}
                {item.detail && <span className={styles.barDetail}> · {item.detail}</span>}
              </span>
            </div>
            <div className={styles.track} aria-hidden="true">
              <div
                className={styles.fill}
                style={{ width: `${width}%`, background: item.color ?? `var(--chart-${(index % 6) + 1})` }}
              />
            </div>
          </li>
        );
      })}
    </ul>
  );
}

export interface Segment {
  key: string;
  label: string;
  value: number;
  color: string;
  href?: string;
}

/** One bar split into parts (machines by state), with a legend that links to each part. */
export function StackedBar({ segments, total }: { segments: Segment[]; total: number }) {
  const shown = segments.filter((s) => s.value > 0);
  return (
    <div className={layout.stack}>
      <div className={styles.stackTrack} aria-hidden="true">
        {total > 0 &&
          shown.map((s) => (
            <div
              key={s.key}
              className={styles.stackPart}
              style={{ width: `${(s.value / total) * 100}%`, background: s.color }}
              title={`${s.label}: ${s.value}`}
            />
          ))}
      </div>
      <ul className={styles.legend}>
        {segments.map((s) => (
          <li key={s.key}>
            <span className={styles.swatch} style={{ background: s.color }} aria-hidden="true" />
            {s.href ? (
              <Link to={s.href} className={styles.legendLink}>
                {s.label}
              </Link>
            ) : (
              s.label
            )}
            <span className={styles.legendValue}>{s.value.toLocaleString()}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** A small area chart of daily values, with the data also as a table for screen readers. */
export function TrendChart({
  points,
  format,
  label,
}: {
  points: { day: string; value: number }[];
  format: (value: number) => string;
  label: string;
}) {
  const width = 600;
  const height = 160;
  const pad = { top: 12, right: 8, bottom: 22, left: 8 };
  const values = points.map((p) => p.value);
  const max = Math.max(...values, 0);
  const min = 0;
  const span = max - min || 1;
  const x = (i: number) => pad.left + (i / Math.max(1, points.length - 1)) * (width - pad.left - pad.right);
  const y = (v: number) => pad.top + (1 - (v - min) / span) * (height - pad.top - pad.bottom);
  const line = points
    .map((p, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(p.value).toFixed(1)}`)
    .join(' ');
  const area = `${line} L${x(points.length - 1).toFixed(1)},${y(min)} L${x(0).toFixed(1)},${y(min)} Z`;
  const last = points.at(-1);
  const first = points[0];
  const hasData = values.some((v) => v > 0);

  return (
    <figure className={styles.trend}>
      <svg viewBox={`0 0 ${width} ${height}`} className={styles.trendSvg} role="img" aria-label={label}>
        <defs>
          <linearGradient id="trend-fill" x1="0" x2="0" y1="0" y2="1">
            <stop offset="0%" stopColor="var(--chart-1)" stopOpacity="0.28" />
            <stop offset="100%" stopColor="var(--chart-1)" stopOpacity="0.02" />
          </linearGradient>
        </defs>
        {[0.25, 0.5, 0.75, 1].map((f) => (
          <line
            key={f}
            x1={pad.left}
            x2={width - pad.right}
            y1={y(min + span * f)}
            y2={y(min + span * f)}
            className={styles.grid}
          />
        ))}
        <line x1={pad.left} x2={width - pad.right} y1={y(min)} y2={y(min)} className={styles.axis} />
        {hasData && <path d={area} fill="url(#trend-fill)" />}
        {hasData && <path d={line} className={styles.line} />}
        {points.map((p, i) => (
          <rect
            key={p.day}
            x={x(i) - (width - pad.left - pad.right) / points.length / 2}
            y={pad.top}
            width={(width - pad.left - pad.right) / points.length}
            height={height - pad.top - pad.bottom}
            className={styles.hit}
          >
            <title>{`${formatDay(p.day)}: ${format(p.value)}`}</title>
          </rect>
        ))}
        {last && hasData && (
          <circle cx={x(points.length - 1)} cy={y(last.value)} r="3.5" className={styles.dot} />
        )}
        {first && (
          <text x={pad.left} y={height - 6} className={styles.tick}>
            {formatDay(first.day)}
          </text>
        )}
        {last && (
          <text x={width - pad.right} y={height - 6} className={styles.tick} textAnchor="end">
            {formatDay(last.day)}
          </text>
        )}
        {hasData && (
          <text x={pad.left + 2} y={y(max) - 4} className={styles.tick}>
            {format(max)}
          </text>
        )}
      </svg>
      <table className="visually-hidden">
        <caption>{label}</caption>
        <tbody>
          {points.map((p) => (
            <tr key={p.day}>
              <th scope="row">{formatDay(p.day)}</th>
              <td>{format(p.value)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

export interface ColumnSeries {
  key: string;
  label: string;
  color: string;
  /** One value per column, in the order of `columns`. */
  values: number[];
}

/** Stacked columns over time (spend per day or month by group), with the data as a table for screen readers. */
export function StackedColumns({
  columns,
  series,
  format,
  label,
  formatColumn,
}: {
  columns: string[];
  series: ColumnSeries[];
  format: (value: number) => string;
  label: string;
  formatColumn: (column: string) => string;
}) {
  const width = 600;
  const height = 180;
  const pad = { top: 14, right: 8, bottom: 22, left: 8 };
  const totals = columns.map((_, n) => series.reduce((sum, s) => sum + (s.values[n] ?? 0), 0));
  const max = Math.max(...totals, 0) || 1;
  const slot = (width - pad.left - pad.right) / Math.max(1, columns.length);
  const bar = Math.max(1, slot * 0.8);
  const y = (v: number) => (v / max) * (height - pad.top - pad.bottom);
  const base = height - pad.bottom;
  return (
    <figure className={styles.trend}>
      <svg viewBox={`0 0 ${width} ${height}`} className={styles.trendSvg} role="img" aria-label={label}>
        {[0.5, 1].map((f) => (
          <line
            key={f}
            x1={pad.left}
            x2={width - pad.right}
            y1={base - y(max * f)}
            y2={base - y(max * f)}
            className={styles.grid}
          />
        ))}
        <line x1={pad.left} x2={width - pad.right} y1={base} y2={base} className={styles.axis} />
        {columns.map((column, n) => {
          let top = base;
          return (
            <g key={column}>
              {series.map((s) => {
                const h = y(s.values[n] ?? 0);
                top -= h;
                return h > 0 ? (
                  <rect
                    key={s.key}
                    x={pad.left + n * slot + (slot - bar) / 2}
                    y={top}
                    width={bar}
                    height={h}
                    fill={s.color}
                  />
                ) : null;
              })}
              <rect
                x={pad.left + n * slot}
                y={pad.top}
                width={slot}
                height={base - pad.top}
                className={styles.hit}
              >
                <title>{`${formatColumn(column)}: ${format(totals[n] ?? 0)}`}</title>
              </rect>
            </g>
          );
        })}
        {columns[0] && (
          <text x={pad.left} y={height - 6} className={styles.tick}>
            {formatColumn(columns[0])}
          </text>
        )}
        {columns.length > 1 && (
          <text x={width - pad.right} y={height - 6} className={styles.tick} textAnchor="end">
            {formatColumn(columns.at(-1) ?? '')}
          </text>
        )}
        {totals.some((t) => t > 0) && (
          <text x={pad.left + 2} y={pad.top - 2} className={styles.tick}>
            {format(max)}
          </text>
        )}
      </svg>
      <ul className={styles.legend}>
        {series.map((s) => (
          <li key={s.key}>
            <span className={styles.swatch} style={{ background: s.color }} aria-hidden="true" />
            {s.label}
          </li>
        ))}
      </ul>
      <table className="visually-hidden">
        <caption>{label}</caption>
        <tbody>
          {columns.map((column, n) => (
            <tr key={column}>
              <th scope="row">{formatColumn(column)}</th>
              <td>{format(totals[n] ?? 0)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
