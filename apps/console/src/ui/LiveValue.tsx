import { useEffect, useRef } from 'react';
import { liveStore } from '../store/live-store';
import { formatValueWithUnit } from '../format';

export interface LiveValueProps {
  sensorId: number;
  unit: string;
  /** Shown until the live store has a value (for example `latest` from a detail response). */
  fallback?: { v: number; t: number } | null;
}

/**
 * A sensor's live value that updates itself: it writes the text node directly on each live
 * message instead of going through React state.
 */
export function LiveValue({ sensorId, unit, fallback }: LiveValueProps) {
  const ref = useRef<HTMLSpanElement>(null);

  useEffect(() => {
    const write = () => {
      const el = ref.current;
      if (!el) return;
      const v = liveStore.has(sensorId) ? liveStore.value[sensorId]! : (fallback?.v ?? null);
      el.textContent = v === null ? 'no value' : formatValueWithUnit(v, unit);
      el.classList.toggle('live-value--none', v === null);
    };
    write();
    return liveStore.subscribe(write);
  }, [sensorId, unit, fallback]);

  return <span ref={ref} className="live-value" data-sensor-id={sensorId} />;
}
