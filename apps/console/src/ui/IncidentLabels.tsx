import { useLayoutEffect, useRef, useSyncExternalStore } from 'react';
import { alertStore, leakOf } from '../store/alert-store';
import { pinLabel } from '../store/label-registry';
import { sceneStore } from '../store/scene-store';
import { zoneTip } from '../scene/incident-geometry';
import { ZONE_HEX } from '../alert-style';

export interface IncidentLabelsProps {
  /** Wall-display size (legible from the room) or desk size. */
  large: boolean;
}

interface Label {
  key: string;
  text: string;
  className: string;
  /** Site metres. */
  at: [number, number, number];
  border?: string;
}

/** Names the focused leak's zones (level, threshold, reach) and its isolation valves in the scene. */
export function IncidentLabels({ large }: IncidentLabelsProps) {
  const layer = useRef<HTMLDivElement>(null);
  const alerts = useSyncExternalStore(alertStore.subscribe, alertStore.getState);
  const focusId = useSyncExternalStore(
    sceneStore.subscribe,
    () => sceneStore.getState().focusAlertId,
  );
  const a = focusId === null ? undefined : alerts.open.get(focusId);
  const leak = a ? leakOf(a) : null;
  const labels: Label[] = [];
  if (leak?.threat_zones) {
    const tz = leak.threat_zones;
    for (const z of tz.zones) {
      const [x, y] = zoneTip(tz.source_xy, z.polygon);
      labels.push({
        key: `zone-${z.level}`,
        text: large
          ? `${z.level.toUpperCase()} ${Math.round(z.max_distance_m)} m`
          : `${z.level.toUpperCase()} · ${z.concern.name} ${z.concern.ppm} ppm · ${Math.round(z.max_distance_m)} m`,
        className: 'scene-label scene-label--zone',
        at: [x, y, 0],
        border: ZONE_HEX[z.level],
      });
    }
  }
  if (leak && !large) {
    for (const v of leak.isolation_valves) {
      labels.push({
        key: `valve-${v.equipment_id}`,
        text: `⊗ ${v.tag} · ${v.side} ${Math.round(v.distance_m)} m`,
        className: 'scene-label scene-label--valve',
        at: v.position,
      });
    }
  }
  const keys = labels.map((l) => l.key + l.text).join('|');

  useLayoutEffect(() => {
    const els = layer.current?.children;
    if (!els) return;
    const unpin: (() => void)[] = [];
    labels.forEach((l, i) => {
      const el = els[i] as HTMLElement | undefined;
      // site (x, y, z) -> three (x, z, -y)
      if (el) unpin.push(pinLabel({ el, x: l.at[0], y: l.at[2], z: -l.at[1] }));
    });
    return () => unpin.forEach((f) => f());
    // the labels are rebuilt when their keys or texts change
  }, [keys]);

  return (
    <div
      ref={layer}
      className={`company-labels${large ? ' scene-labels--large' : ''}`}
      aria-hidden="true"
      data-testid="incident-labels"
    >
      {labels.map((l) => (
        <div
          key={l.key}
          className={l.className}
          style={l.border ? { borderColor: l.border } : undefined}
        >
          {l.text}
        </div>
      ))}
    </div>
  );
}
