import { useEffect, useRef } from 'react';
import { liveStore } from '../store/live-store';
import { clockTime } from '../format';

export interface LiveTimeProps {
  sensorId: number;
  fallback?: { v: number; t: number } | null;
}

/** The time of a sensor's latest reading (hh:mm:ss), written directly on each live message. */
export function LiveTime({ sensorId, fallback }: LiveTimeProps) {
  const ref = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    const write = () => {
      const t = liveStore.has(sensorId) ? liveStore.time[sensorId]! : (fallback?.t ?? 0);
      if (ref.current) ref.current.textContent = t ? clockTime(t) : '';
    };
    write();
    return liveStore.subscribe(write);
  }, [sensorId, fallback]);
  return <span ref={ref} className="live-time" />;
}
