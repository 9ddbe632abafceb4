import { useLayoutEffect, useRef } from 'react';
import type { Company } from '@ct/contracts';
import { pinLabel } from '../store/label-registry';

export interface CompanyLabelsProps {
  companies: Company[];
}

/** Centre of a plot outline (mean of its corners), site metres. */
function plotCentre(plot: [number, number][]): [number, number] {
  let x = 0;
  let y = 0;
  for (const [px, py] of plot) {
    x += px;
    y += py;
  }
  return [x / Math.max(1, plot.length), y / Math.max(1, plot.length)];
}

/** Short company names over their plots; the scene moves them (LabelProjector). */
export function CompanyLabels({ companies }: CompanyLabelsProps) {
  const layer = useRef<HTMLDivElement>(null);

  useLayoutEffect(() => {
    const els = layer.current?.children;
    if (!els) return;
    const unpin: (() => void)[] = [];
    companies.forEach((c, i) => {
      const el = els[i] as HTMLElement | undefined;
      if (!el) return;
      const [x, y] = plotCentre(c.plot);
      // site (x, y, 0) -> three (x, 0, -y)
      unpin.push(pinLabel({ el, x, y: 0, z: -y }));
    });
    return () => unpin.forEach((f) => f());
  }, [companies]);

  return (
    <div ref={layer} className="company-labels" aria-hidden="true">
      {companies.map((c) => (
        <div key={c.id} className="company-label" title={c.name}>
          {c.short_name}
        </div>
      ))}
    </div>
  );
}
