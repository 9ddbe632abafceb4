import { useEffect, useSyncExternalStore } from 'react';
import type { NetworkData } from '../store/network-store';
import { alertStore } from '../store/alert-store';
import { sceneStore } from '../store/scene-store';
import { requestFly } from '../store/view-store';
import { alertLocation } from '../scene/incident-geometry';
import { incidentView } from '../wall/director';
import { AlertQueue } from './AlertQueue';
import { IncidentPanel } from './IncidentPanel';

export interface IncidentViewProps {
  data: NetworkData;
}

/** Looks at an alert and its threat zones from above (three coordinates from site metres). */
export function flyToAlert(id: number, data: NetworkData): void {
  const a = alertStore.getState().open.get(id);
  const at = a ? alertLocation(a, data) : null;
  if (!a || !at) return;
  const v = incidentView(a, at);
  requestFly({
    x: v.x,
    y: at[2],
    z: -v.y,
    distance: v.distance,
    radius: v.radius,
    tilt: 35,
    seconds: 1.2,
  });
}

/** Incident response: the alert queue on the left, the open incident's panel on the right. */
export function IncidentView({ data }: IncidentViewProps) {
  const focus = useSyncExternalStore(
    sceneStore.subscribe,
    () => sceneStore.getState().focusAlertId,
  );
  useEffect(() => {
    sceneStore.update({ colourMode: 'plain', companyLabels: true });
  }, []);
  const select = (id: number | null) => {
    sceneStore.update({ focusAlertId: id });
    // the camera re-frames it when the panel opening narrows the view
    if (id !== null) flyToAlert(id, data);
  };
  return (
    <>
      <AlertQueue selected={focus} onSelect={select} />
      {focus !== null && <IncidentPanel id={focus} data={data} onClose={() => select(null)} />}
    </>
  );
}
