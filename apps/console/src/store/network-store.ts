import { decodeNetworkGeometry, type NetworkGeometry, type NetworkResponse } from '@ct/contracts';
import { apiFetch } from '../session/session';

export type EquipmentKind = NetworkResponse['equipment']['kind'][number];

/** The network as drawn: the api's columnar JSON, the binary geometry and lookups built once. */
export interface NetworkData {
  meta: NetworkResponse;
  geometry: NetworkGeometry;
  segmentCount: number;
  pieceCount: number;
  /** CSR: pieces of segment s are pieceOrder[pieceStart[s] .. pieceStart[s + 1]). */
  pieceStart: Int32Array;
  pieceOrder: Int32Array;
  /** CSR: sensor indexes (into `meta.sensors`) of segment s. */
  segmentSensorStart: Int32Array;
  segmentSensors: Int32Array;
  /** CSR: sensor indexes of equipment e. */
  equipmentSensorStart: Int32Array;
  equipmentSensors: Int32Array;
  /** Equipment kinds present, and the equipment indexes of each (instance order). */
  equipmentKinds: EquipmentKind[];
  equipmentByKind: Map<EquipmentKind, Int32Array>;
  /** Piece index of the longest piece of each segment (where a label or probe goes). */
  longestPiece: Int32Array;
}

export type NetworkState =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; data: NetworkData };

/** Groups item indexes by a key index: offsets of length keyCount + 1 and the grouped items. */
function groupBy(keyOf: ArrayLike<number>, keyCount: number): [Int32Array, Int32Array] {
  const start = new Int32Array(keyCount + 1);
  for (let i = 0; i < keyOf.length; i++) {
    const k = keyOf[i]!;
    if (k >= 0 && k < keyCount) start[k + 1]!++;
  }
  for (let k = 0; k < keyCount; k++) start[k + 1]! += start[k]!;
  const fill = start.slice(0, keyCount);
  const items = new Int32Array(start[keyCount]!);
  for (let i = 0; i < keyOf.length; i++) {
    const k = keyOf[i]!;
    if (k >= 0 && k < keyCount) items[fill[k]!++] = i;
  }
  return [start, items];
}

/** Builds the lookups the scene and the tooltips need from what the api sent. */
export function indexNetwork(meta: NetworkResponse, geometry: NetworkGeometry): NetworkData {
  const segmentCount = meta.segments.id.length;
  if (geometry.segmentCount !== segmentCount) {
    throw new Error(
      `network geometry has ${geometry.segmentCount} segments, the network ${segmentCount}`,
    );
  }
  const [pieceStart, pieceOrder] = groupBy(geometry.pieceSegment, segmentCount);
  const [segmentSensorStart, segmentSensors] = groupBy(meta.sensors.segment, segmentCount);
  const equipmentCount = meta.equipment.id.length;
  const [equipmentSensorStart, equipmentSensors] = groupBy(meta.sensors.equipment, equipmentCount);

  const equipmentKinds: EquipmentKind[] = [];
  const lists = new Map<EquipmentKind, number[]>();
  meta.equipment.kind.forEach((k, i) => {
    let l = lists.get(k);
    if (!l) {
      l = [];
      lists.set(k, l);
      equipmentKinds.push(k);
    }
    l.push(i);
  });
  const equipmentByKind = new Map<EquipmentKind, Int32Array>();
  for (const [k, l] of lists) equipmentByKind.set(k, Int32Array.from(l));

  const p = geometry.pieces;
  const longestPiece = new Int32Array(segmentCount).fill(-1);
  const longest = new Float64Array(segmentCount);
  for (let i = 0; i < geometry.pieceCount; i++) {
    const dx = p[i * 6 + 3]! - p[i * 6]!;
    const dy = p[i * 6 + 4]! - p[i * 6 + 1]!;
    const dz = p[i * 6 + 5]! - p[i * 6 + 2]!;
    const len = dx * dx + dy * dy + dz * dz;
    const s = geometry.pieceSegment[i]!;
    if (longestPiece[s] === -1 || len > longest[s]!) {
      longest[s] = len;
      longestPiece[s] = i;
    }
  }

  return {
    meta,
    geometry,
    segmentCount,
    pieceCount: geometry.pieceCount,
    pieceStart,
    pieceOrder,
    segmentSensorStart,
    segmentSensors,
    equipmentSensorStart,
    equipmentSensors,
    equipmentKinds,
    equipmentByKind,
    longestPiece,
  };
}

async function fetchOk(url: string, signal: AbortSignal): Promise<Response> {
  const res = await apiFetch(url, { signal });
  if (!res.ok) {
    let detail = '';
    try {
      detail = ((await res.json()) as { message?: string }).message ?? '';
    } catch {
      // not JSON: the status line says enough
    }
    throw new Error(`GET ${url}: ${res.status} ${res.statusText}${detail ? `: ${detail}` : ''}`);
  }
  return res;
}

/** Loads /api/network and its binary geometry. */
export async function loadNetwork(signal: AbortSignal): Promise<NetworkData> {
  const meta = (await (await fetchOk('/api/network', signal)).json()) as NetworkResponse;
  const buf = await (await fetchOk(meta.geometry.url, signal)).arrayBuffer();
  return indexNetwork(meta, decodeNetworkGeometry(buf));
}

type Listener = () => void;

/** The one network of the page, loaded once; React reads it with useSyncExternalStore. */
class NetworkStore {
  private state: NetworkState = { status: 'loading' };
  private readonly listeners = new Set<Listener>();
  private started = false;

  readonly getState = (): NetworkState => this.state;

  readonly subscribe = (fn: Listener): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  /** Starts loading (once); retries every few seconds while the api has no network. */
  load(): void {
    if (this.started) return;
    this.started = true;
    const attempt = (n: number) => {
      const ctl = new AbortController();
      loadNetwork(ctl.signal).then(
        (data) => this.set({ status: 'ready', data }),
        (err: Error) => {
          this.set({ status: 'error', message: err.message });
          setTimeout(() => attempt(n + 1), Math.min(30_000, 2000 * 2 ** Math.min(n, 4)));
        },
      );
    };
    attempt(0);
  }

  private set(s: NetworkState): void {
    this.state = s;
    for (const fn of this.listeners) fn();
  }
}

export const networkStore = new NetworkStore();
