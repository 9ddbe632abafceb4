import { useEffect, useRef } from 'react';
import { liveStore } from '../store/live-store';
import { formatInt } from '../format';

/** Number of sensors with a live value; written on each live message without a re-render. */
export function LiveCount() {
  const ref = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    const write = () => {
      if (ref.current) ref.current.textContent = formatInt(liveStore.count);
    };
    write();
    return liveStore.subscribe(write);
  }, []);
  return <span ref={ref} data-testid="live-count" />;
}

export type LiveCountProps = Record<string, never>;
