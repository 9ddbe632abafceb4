import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type { NetworkData } from '../store/network-store';
import { alertStore } from '../store/alert-store';
import { sceneStore } from '../store/scene-store';
import { WallDirector } from './director';
import { WallCaption } from './WallCaption';

/** Starts the wall's director while the wall is shown (the calm grey scene, no company names). */
export function useWallDirector(data: NetworkData | null, active: boolean): WallDirector | null {
  const director = useMemo(() => (data && active ? new WallDirector(data) : null), [data, active]);
  useEffect(() => {
    if (!active) return;
    sceneStore.update({ colourMode: 'plain', companyLabels: false });
    if (!director) return;
    director.start();
    return () => director.stop();
  }, [director, active]);
  return director;
}

export interface WallCaptionSlotProps {
  director: WallDirector | null;
  data: NetworkData | null;
}

/** The caption of the incident the director shows, below the scene (never over it). */
export function WallCaptionSlot({ director, data }: WallCaptionSlotProps) {
  const shown = useSyncExternalStore(
    director?.subscribe ?? noSubscribe,
    director?.getShown ?? noShown,
  );
  const alerts = useSyncExternalStore(alertStore.subscribe, alertStore.getState);
  const alert = shown === null ? undefined : alerts.open.get(shown);
  if (!alert || !data) return null;
  return <WallCaption alert={alert} data={data} />;
}

const noSubscribe = () => () => undefined;
const noShown = () => null;
