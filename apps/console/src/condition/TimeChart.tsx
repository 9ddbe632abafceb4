import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface TimeChartProps {
  /** Epoch ms. */
  t: readonly number[];
  /** The line, and optionally its envelope (bucket min and max). */
  value: readonly number[];
  min?: readonly number[] | null;
  max?: readonly number[] | null;
  label: string;
  height?: number;
  /** Fixed y range, e.g. [0, 1] for a score. */
  yRange?: [number, number];
  testId?: string;
}

/**
 * A time series drawn by uPlot (canvas, thousands of points at no cost): the value, and the
 * bucket minimum and maximum as a shaded band when the api answered with buckets.
 */
export function TimeChart({
  t,
  value,
  min,
  max,
  label,
  height = 200,
  yRange,
  testId,
}: TimeChartProps) {
  const host = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const envelope = !!min && !!max && min.length === t.length;
    const xs = t.map((x) => x / 1000);
    const data: uPlot.AlignedData = envelope
      ? [xs, [...value], [...max!], [...min!]]
      : [xs, [...value]];
    const series: uPlot.Series[] = [
      {},
      { label, stroke: '#1f3f66', width: 1.5 },
      ...(envelope
        ? [
            { label: 'max', stroke: '#8aa0b8', width: 0.5 },
            { label: 'min', stroke: '#8aa0b8', width: 0.5 },
          ]
        : []),
    ];
    const chart = new uPlot(
      {
        width: Math.max(200, el.clientWidth),
        height,
        series,
        bands: envelope ? [{ series: [2, 3], fill: 'rgba(120, 145, 175, 0.25)' }] : undefined,
        scales: { x: { time: true }, y: yRange ? { range: yRange } : {} },
        axes: [{ stroke: '#3b4248' }, { stroke: '#3b4248', size: 56 }],
        legend: { show: true, live: true },
        cursor: { drag: { x: true, y: false } },
      },
      data,
      el,
    );
    const ro = new ResizeObserver(() =>
      chart.setSize({ width: Math.max(200, el.clientWidth), height }),
    );
    ro.observe(el);
    return () => {
      ro.disconnect();
      chart.destroy();
    };
  }, [t, value, min, max, label, height, yRange]);

  return <div ref={host} className="time-chart" data-testid={testId} />;
}
