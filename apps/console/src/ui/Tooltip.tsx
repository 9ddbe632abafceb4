import { useEffect, useRef } from 'react';
import type { NetworkData } from '../store/network-store';
import { useSelection } from '../store/hooks';
import { selectionStore } from '../store/selection-store';
import { EquipmentSummary } from './EquipmentSummary';
import { SegmentSummary } from './SegmentSummary';

export interface TooltipProps {
  data: NetworkData;
}

const OFFSET_PX = 18;

/** Follows the pointer over the hovered pipe or machine; position written directly, no state. */
export function Tooltip({ data }: TooltipProps) {
  const { hover } = useSelection();
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const place = () => {
      const el = ref.current;
      if (!el) return;
      const { x, y } = selectionStore.pointer;
      const w = el.offsetWidth;
      const h = el.offsetHeight;
      const left = x + OFFSET_PX + w > window.innerWidth ? x - OFFSET_PX - w : x + OFFSET_PX;
      const top = Math.max(8, Math.min(y + OFFSET_PX, window.innerHeight - h - 8));
      el.style.transform = `translate(${Math.max(8, left)}px, ${top}px)`;
    };
    place();
    return selectionStore.subscribePointer(place);
  }, [hover]);

  if (!hover) return null;
  return (
    <div ref={ref} className="tooltip" role="tooltip" data-testid="tooltip">
      {hover.kind === 'segment' ? (
        <SegmentSummary data={data} index={hover.index} />
      ) : (
        <EquipmentSummary data={data} index={hover.index} />
      )}
    </div>
  );
}
