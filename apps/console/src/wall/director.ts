import type { Alert } from '@ct/contracts';
import { alertStore, compareAlerts, leakOf, type AlertChange } from '../store/alert-store';
import type { NetworkData } from '../store/network-store';
import { sceneStore } from '../store/scene-store';
import { requestFly, requestOverview } from '../store/view-store';
import { ANNUNCIATED } from '../alert-style';
import { alertLocation, zoneTip } from '../scene/incident-geometry';

export interface DirectorTiming {
  /** How long a new alert holds the view before the tour resumes, ms. */
  holdNewMs: number;
  /** How long each step of the tour (the overview, then each incident) is shown, ms. */
  stepMs: number;
}

export const DEFAULT_TIMING: DirectorTiming = { holdNewMs: 45_000, stepMs: 15_000 };
/** Distance and tilt the wall looks at an incident from (farther for long threat zones). */
const INCIDENT_VIEW_M = 700;
const INCIDENT_VIEW_MAX_M = 4000;
const INCIDENT_TILT_DEG = 35;

type Listener = () => void;

/**
 * Where the wall looks for an incident (site metres): a leak with threat zones is framed from
 * its source to halfway along the orange zone, so the source and the cloud's near part show.
 */
export function incidentView(
  a: Alert,
  at: readonly [number, number, number],
): { x: number; y: number; distance: number; radius: number } {
  const tz = leakOf(a)?.threat_zones;
  const zone = tz?.zones.find((z) => z.level === 'orange') ?? tz?.zones[0];
  if (!tz || !zone) return { x: at[0], y: at[1], distance: INCIDENT_VIEW_M, radius: 150 };
  const tip = zoneTip(tz.source_xy, zone.polygon);
  const reach = Math.min(zone.max_distance_m, INCIDENT_VIEW_MAX_M);
  const k = reach / Math.max(1, zone.max_distance_m) / 2;
  return {
    x: at[0] + (tip[0] - tz.source_xy[0]) * k,
    y: at[1] + (tip[1] - tz.source_xy[1]) * k,
    distance: INCIDENT_VIEW_M,
    // the source and the near half of the cloud, with a margin
    radius: (reach / 2) * 1.2,
  };
}

/** The incidents the wall tours: annunciated open alerts, most severe and oldest first. */
export function wallIncidents(open: ReadonlyMap<number, Alert>): Alert[] {
  return [...open.values()].filter((a) => ANNUNCIATED.has(a.isa_state)).sort(compareAlerts);
}

/**
 * Runs the wall display by itself: a new alert takes the view at once (the camera flies to it,
 * its caption shows), then the wall tours the overview and each open incident in turn, or
 * stays on the overview when all is normal. Outside React; the caption reads `shown`.
 */
export class WallDirector {
  /** The alert on screen now; null: the overview. */
  shown: number | null = null;
  private step = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly listeners = new Set<Listener>();
  private stops: (() => void)[] = [];

  constructor(
    private readonly data: NetworkData,
    private readonly timing: DirectorTiming = DEFAULT_TIMING,
  ) {}

  readonly getShown = (): number | null => this.shown;

  readonly subscribe = (fn: Listener): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  start(): void {
    this.stops.push(alertStore.onChange((c) => this.onChange(c)));
    this.stops.push(
      alertStore.subscribe(() => {
        // the alert on screen was closed or shelved: move on
        if (this.shown !== null && !this.isIncident(this.shown)) this.next();
      }),
    );
    this.show(null, 0);
    this.schedule(this.timing.stepMs);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.stops.forEach((f) => f());
    this.stops = [];
    sceneStore.update({ focusAlertId: null });
  }

  private isIncident(id: number): boolean {
    const a = alertStore.getState().open.get(id);
    return !!a && ANNUNCIATED.has(a.isa_state);
  }

  private onChange(c: AlertChange): void {
    // a new annunciation takes the wall at once
    const a = c.alert;
    const flooded =
      a.area_id !== null &&
      alertStore.getState().floods.some((f) => f.area_id === a.area_id && f.in_flood);
    // during an area's flood its low and medium alerts join the tour without taking the wall
    const takesWall = !flooded || a.severity === 'high' || a.severity === 'critical';
    if ((c.action === 'raise' || c.action === 'activate') && a.isa_state === 'B' && takesWall) {
      // the tour goes on from here afterwards
      const incidents = wallIncidents(alertStore.getState().open);
      this.step = incidents.findIndex((a) => a.id === c.alert.id) + 1;
      this.show(c.alert.id, 1.8);
      this.schedule(this.timing.holdNewMs);
    } else if (c.alert.id === this.shown) {
      for (const fn of this.listeners) fn();
    }
  }

  /** The next step of the tour: overview, incident 1, incident 2, ... */
  private next(): void {
    const incidents = wallIncidents(alertStore.getState().open);
    if (incidents.length === 0) {
      this.step = 0;
      if (this.shown !== null) this.show(null, 1.5);
    } else {
      this.step = (this.step + 1) % (incidents.length + 1);
      this.show(this.step === 0 ? null : incidents[this.step - 1]!.id, 1.8);
    }
    this.schedule(this.timing.stepMs);
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.next(), ms);
  }

  private show(id: number | null, seconds: number): void {
    this.shown = id;
    const a = id === null ? undefined : alertStore.getState().open.get(id);
    const at = a ? alertLocation(a, this.data) : null;
    sceneStore.update({ focusAlertId: a ? a.id : null });
    if (a && at) {
      const view = incidentView(a, at);
      // site (x, y, z) -> three (x, z, -y)
      requestFly({
        x: view.x,
        y: at[2],
        z: -view.y,
        distance: view.distance,
        radius: view.radius,
        tilt: INCIDENT_TILT_DEG,
        seconds,
      });
    } else requestOverview(seconds);
    for (const fn of this.listeners) fn();
  }
}
