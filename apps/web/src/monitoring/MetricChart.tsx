import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { MetricSeries } from '../api/types';

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
    const fmt = (v: number | null) =>
      v === null || v === undefined ? '–' : `${Math.round(v * 100) / 100}${unit}`;
    const plot = new uPlot(
      {
        width: Math.max(200, el.clientWidth),
        height,
        legend: { show: data.series.length > 1 },
        cursor: { drag: { x: false, y: false } },
        scales: { y: percent ? { range: [0, 100] } : { auto: true } },
        axes: [
          { stroke: 'currentColor', grid: { stroke: 'rgba(128,128,128,0.15)' } },
          {
            stroke: 'currentColor',
            grid: { stroke: 'rgba(128,128,128,0.15)' },
            values: (_u, ticks) => ticks.map(fmt),
            size: 60,
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
  return <div ref={box} role="img" aria-label={`${label} chart`} />;
}
