import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { MetricSeries } from '../api/types';
import styles from './monitoring.module.css';

const COLORS = ['#3b82f6', '#f59e0b', '#10b981', '#ef4444', '#8b5cf6', '#06b6d4'];

/** uPlot's columnar data: one shared time axis, one column per series (gaps where a series has no point). */
function toColumns(data: MetricSeries): uPlot.AlignedData {
  const times = [...new Set(data.series.flatMap((s) => s.points.map((p) => Date.parse(p.t) / 1000)))].sort(
    (a, b) => a - b,
  );
  const index = new Map(times.map((t, i) => [t, i]));
  const columns = data.series.map((s) => {
    const col: (number | null)[] = new Array(times.length).fill(null);
    for (const p of s.points) col[index.get(Date.parse(p.t) / 1000)!] = p.avg;
    return col;
  });
  return [times, ...columns] as uPlot.AlignedData;
}

/** Rates read as 1.2 MB/s rather than 1234567 B/s; other values keep two decimals. */
function formatValue(v: number, unit: string): string {
  if (unit.trim() === 'B/s') {
    const steps = ['B/s', 'kB/s', 'MB/s', 'GB/s'];
    let n = v;
    let i = 0;
    while (Math.abs(n) >= 1000 && i < steps.length - 1) {
      n /= 1000;
      i++;
    }
    return `${Math.round(n * 10) / 10} ${steps[i]}`;
  }
  return `${Math.round(v * 100) / 100}${unit}`;
}

interface MetricChartProps {
  data: MetricSeries;
  unit: string;
  height?: number;
  /** Fixed 0-100 scale for percentages. */
  percent?: boolean;
  label: string;
}

/** A small line chart of one metric; redraws when the data changes and follows its container's width. */
export function MetricChart({ data, unit, height = 160, percent = false, label }: MetricChartProps) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const fmt = (v: number | null) => (v === null || v === undefined ? '–' : formatValue(v, unit));
    const plot = new uPlot(
      {
        width: Math.max(200, el.clientWidth),
        height,
        // Several series (disk mounts) are named in a compact key under the chart instead.
        legend: { show: false },
        cursor: { drag: { x: false, y: false } },
        scales: {
          // The asked-for range, so one early reading does not stretch the axis over years.
          x: { time: true, range: [Date.parse(data.from) / 1000, Date.parse(data.to) / 1000] },
          y: percent ? { range: [0, 100] } : { auto: true },
        },
        axes: [
          { stroke: 'currentColor', grid: { stroke: 'rgba(128,128,128,0.15)' } },
          {
            stroke: 'currentColor',
            grid: { stroke: 'rgba(128,128,128,0.15)' },
            values: (_u, ticks) => ticks.map(fmt),
            size: 70,
          },
        ],
        series: [
          {},
          ...data.series.map((s, i) => ({
            label: s.name || label,
            stroke: COLORS[i % COLORS.length],
            width: 1.5,
            value: (_u: uPlot, v: number | null) => fmt(v),
            spanGaps: false,
          })),
        ],
      },
      toColumns(data),
      el,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(200, el.clientWidth), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [data, unit, height, percent, label]);
  return (
    <>
      <div ref={box} role="img" aria-label={`${label} chart`} />
      {data.series.length > 1 && (
        <ul className={styles.key}>
          {data.series.map((s, i) => (
            <li key={s.name} title={s.name}>
              <span style={{ background: COLORS[i % COLORS.length] }} aria-hidden="true" />
              {s.name}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
