import { useEffect, useLayoutEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import { useFrame, useThree } from '@react-three/fiber';
import {
  BufferGeometry,
  Color,
  ConeGeometry,
  CylinderGeometry,
  Float32BufferAttribute,
  InstancedMesh,
  MeshBasicMaterial,
  RingGeometry,
  Shape,
  ShapeGeometry,
} from 'three';
import { mergeGeometries } from 'three/examples/jsm/utils/BufferGeometryUtils.js';
import { alertStore, leakOf } from '../store/alert-store';
import type { NetworkData } from '../store/network-store';
import { sceneStore } from '../store/scene-store';
import { ANNUNCIATED, PRIORITY, ZONE_HEX, flashing } from '../alert-style';
import { alertLocation, leakBand } from './incident-geometry';
import { withMinPixelSize } from './min-pixel-material';
import { PALETTE } from './palette';
import { _color, _matrix, _quat, _scale, _vec, _vec2, Y_AXIS } from './scratch';

export interface IncidentOverlayProps {
  data: NetworkData;
}

const PIN_CAPACITY = 256;
const BAND_CAPACITY = 64;
const VALVE_CAPACITY = 32;
/** Pulse of unacknowledged alarms: about 1 Hz, drawn at ~12 frames a second (not 60). */
const PULSE_FRAME_MS = 80;
const ZONE_LIFT = { yellow: 0.6, orange: 0.9, red: 1.2 } as const;
const ZONE_OPACITY = 0.38;

/**
 * What an incident adds to the scene: a pin over every open alert (alarm colour of its priority,
 * flashing while unacknowledged), and for the focused leak its threat zones on the ground, the
 * band of the pipe where the leak lies, and rings on the isolation valves to close.
 */
export function IncidentOverlay({ data }: IncidentOverlayProps) {
  const invalidate = useThree((s) => s.invalidate);
  const alerts = useSyncExternalStore(alertStore.subscribe, alertStore.getState);
  const focusId = useSyncExternalStore(
    sceneStore.subscribe,
    () => sceneStore.getState().focusAlertId,
  );
  const pins = useRef<InstancedMesh>(null);
  const band = useRef<InstancedMesh>(null);
  const valves = useRef<InstancedMesh>(null);
  const pulse = useRef({
    on: false,
    bandFlash: false,
    timer: 0 as ReturnType<typeof setTimeout> | 0,
  });

  const pinGeometry = useMemo(() => {
    // a downward cone whose tip is at the origin: it stands on the point it marks
    const g = new ConeGeometry(0.5, 1.4, 4, 1);
    g.rotateX(Math.PI);
    g.translate(0, 0.7, 0);
    return g;
  }, []);
  const pinMaterial = useMemo(
    () =>
      withMinPixelSize(
        new MeshBasicMaterial({ transparent: true, depthTest: false }),
        'uniform',
        16,
      ),
    [],
  );
  const bandGeometry = useMemo(() => new CylinderGeometry(1, 1, 1, 8, 1, true), []);
  const bandMaterial = useMemo(
    () =>
      withMinPixelSize(
        new MeshBasicMaterial({ transparent: true, depthTest: false, color: ZONE_HEX.red }),
        'radial',
        6,
      ),
    [],
  );
  const ringGeometry = useMemo(() => new RingGeometry(0.7, 1, 32).rotateX(-Math.PI / 2), []);
  const ringMaterial = useMemo(
    () =>
      withMinPixelSize(
        new MeshBasicMaterial({ depthTest: false, transparent: true, color: PALETTE.valveRing }),
        'uniform',
        14,
      ),
    [],
  );

  const focus = focusId === null ? undefined : alerts.open.get(focusId);
  const leak = focus ? leakOf(focus) : null;

  const zones = useMemo(() => {
    const tz = leak?.threat_zones;
    if (!tz || tz.zones.length === 0) return null;
    const [sx, sy] = tz.source_xy;
    const parts: BufferGeometry[] = [];
    // outermost first, so red is drawn over orange over yellow
    const order = [...tz.zones].sort((a, b) => b.max_distance_m - a.max_distance_m);
    for (const z of order) {
      if (z.polygon.length < 3) continue;
      const shape = new Shape();
      z.polygon.forEach(([x, y], i) =>
        i === 0 ? shape.moveTo(sx + x, sy + y) : shape.lineTo(sx + x, sy + y),
      );
      const g = new ShapeGeometry(shape);
      g.rotateX(-Math.PI / 2);
      g.translate(0, ZONE_LIFT[z.level], 0);
      const c = new Color(ZONE_HEX[z.level]);
      const n = g.getAttribute('position').count;
      const colors = new Float32Array(n * 3);
      for (let i = 0; i < n; i++) colors.set([c.r, c.g, c.b], i * 3);
      g.setAttribute('color', new Float32BufferAttribute(colors, 3));
      g.deleteAttribute('uv');
      g.deleteAttribute('normal');
      parts.push(g.index ? g.toNonIndexed() : g);
    }
    return parts.length > 0 ? mergeGeometries(parts) : null;
  }, [leak]);
  useEffect(() => () => zones?.dispose(), [zones]);

  // pins: every annunciated open alert
  useLayoutEffect(() => {
    const mesh = pins.current;
    if (!mesh) return;
    let n = 0;
    let anyFlashing = false;
    for (const a of alerts.open.values()) {
      if (!ANNUNCIATED.has(a.isa_state) || n >= PIN_CAPACITY) continue;
      const at = alertLocation(a, data);
      if (!at) continue;
      const size = a.id === focusId ? 18 : 12;
      // site (x, y, z) -> three (x, z, -y)
      _vec.set(at[0], at[2], -at[1]);
      _matrix.compose(_vec, _quat.identity(), _scale.set(size, size, size));
      mesh.setMatrixAt(n, _matrix);
      mesh.setColorAt(n, _color.set(PRIORITY[a.severity].hex));
      n++;
      anyFlashing ||= flashing(a);
    }
    mesh.count = n;
    mesh.visible = n > 0;
    mesh.instanceMatrix.needsUpdate = true;
    if (mesh.instanceColor) mesh.instanceColor.needsUpdate = true;
    pulse.current.on = anyFlashing;
    invalidate();
  }, [alerts, focusId, data, invalidate]);

  // the leak band and the valves of the focused leak
  useLayoutEffect(() => {
    const b = band.current;
    const v = valves.current;
    if (!b || !v) return;
    let n = 0;
    if (leak) {
      const pieces = leakBand(leak, data);
      for (let i = 0; i + 5 < pieces.length && n < BAND_CAPACITY; i += 6) {
        // site -> three: (x, z, -y)
        _vec.set(pieces[i]!, pieces[i + 2]!, -pieces[i + 1]!);
        _vec2.set(pieces[i + 3]!, pieces[i + 5]!, -pieces[i + 4]!);
        _vec2.sub(_vec);
        const len = _vec2.length();
        if (len < 1e-6) continue;
        _quat.setFromUnitVectors(Y_AXIS, _vec2.divideScalar(len));
        _vec.addScaledVector(_vec2, len / 2);
        const r = Math.max(0.6, (data.geometry.radius[0] ?? 0.2) * 3);
        _matrix.compose(_vec, _quat, _scale.set(r, len, r));
        b.setMatrixAt(n++, _matrix);
      }
    }
    b.count = n;
    b.visible = n > 0;
    b.instanceMatrix.needsUpdate = true;
    let k = 0;
    for (const valve of leak?.isolation_valves ?? []) {
      if (k >= VALVE_CAPACITY) break;
      const [x, y, z] = valve.position;
      _vec.set(x, z + 0.5, -y);
      _matrix.compose(_vec, _quat.identity(), _scale.set(4, 4, 4));
      v.setMatrixAt(k++, _matrix);
    }
    v.count = k;
    v.visible = k > 0;
    v.instanceMatrix.needsUpdate = true;
    pulse.current.bandFlash = !!focus && flashing(focus);
    invalidate();
  }, [leak, focus, data, invalidate]);

  useEffect(() => () => clearTimeout(pulse.current.timer || undefined), []);
  // made once: the frame callback schedules it without allocating
  const nextPulse = useMemo(
    () => () => {
      pulse.current.timer = 0;
      invalidate();
    },
    [invalidate],
  );

  useFrame(({ clock }) => {
    const p = pulse.current;
    // ISA-18.2: unacknowledged alarms flash, acknowledged ones are steady
    const phase = 0.5 + 0.5 * Math.sin(clock.elapsedTime * 2 * Math.PI);
    pinMaterial.opacity = p.on ? 0.35 + 0.65 * phase : 1;
    bandMaterial.opacity = p.bandFlash ? 0.3 + 0.7 * phase : 0.95;
    if ((p.on || p.bandFlash) && !p.timer) p.timer = setTimeout(nextPulse, PULSE_FRAME_MS);
  });

  return (
    <group>
      {zones && (
        <mesh geometry={zones} renderOrder={-5} raycast={() => undefined}>
          <meshBasicMaterial vertexColors transparent opacity={ZONE_OPACITY} depthWrite={false} />
        </mesh>
      )}
      <instancedMesh
        ref={band}
        args={[bandGeometry, bandMaterial, BAND_CAPACITY]}
        frustumCulled={false}
        renderOrder={12}
        raycast={() => undefined}
      />
      <instancedMesh
        ref={valves}
        args={[ringGeometry, ringMaterial, VALVE_CAPACITY]}
        frustumCulled={false}
        renderOrder={13}
        raycast={() => undefined}
      />
      <instancedMesh
        ref={pins}
        args={[pinGeometry, pinMaterial, PIN_CAPACITY]}
        frustumCulled={false}
        renderOrder={14}
        raycast={() => undefined}
      />
    </group>
  );
}
