import { RISK_LEVEL_NAMES } from '@ct/contracts';
import type { NetworkData } from './network-store';
import { apiFetch } from '../session/session';

/** The condition of every segment, aligned with the network's segment order (NaN: unknown). */
export interface ConditionColumns {
  wallLossPct: Float32Array;
  corrosionRateMmY: Float32Array;
  /** Infinity: no measurable corrosion. */
  remainingLifeY: Float32Array;
  /** 0 low .. 3 high, -1 unknown. */
  riskLevel: Int8Array;
  /** Segments the condition list covers. */
  count: number;
}

/** Splits one CSV line (RFC 4180 quoting) into its fields. */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"') {
        if (line[i + 1] === '"') {
          cur += '"';
          i++;
        } else quoted = false;
      } else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** Segment ids of the export (`/api/condition/segments.csv`), in its order. */
export function csvSegmentIds(csv: string): string[] {
  const lines = csv.split('\n');
  const ids: string[] = [];
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i]!;
    if (!l) continue;
    const comma = l.indexOf(',');
    // segment ids never need quoting, so the first field ends at the first comma
    ids.push(comma < 0 ? l : l.slice(0, comma));
  }
  return ids;
}

const num = (s: string | undefined): number =>
  s === undefined || s === '' ? NaN : s === 'inf' ? Infinity : Number(s);

/** Parses the condition export into columns aligned with the network's segments. */
export function parseConditionCsv(csv: string, data: NetworkData): ConditionColumns {
  const n = data.segmentCount;
  const cols: ConditionColumns = {
    wallLossPct: new Float32Array(n).fill(NaN),
    corrosionRateMmY: new Float32Array(n).fill(NaN),
    remainingLifeY: new Float32Array(n).fill(NaN),
    riskLevel: new Int8Array(n).fill(-1),
    count: 0,
  };
  const lines = csv.split('\n');
  const head = splitCsvLine(lines[0] ?? '');
  const at = (name: string) => head.indexOf(name);
  const iId = at('segment_id');
  const iWall = at('wall_loss_pct');
  const iCr = at('corrosion_rate_mm_y');
  const iRl = at('remaining_life_y');
  const iRisk = at('risk_level');
  const index = segmentIndex(data);
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i]!;
    if (!l) continue;
    const f = splitCsvLine(l);
    const s = index.get(f[iId] ?? '');
    if (s === undefined) continue;
    cols.wallLossPct[s] = num(f[iWall]);
    cols.corrosionRateMmY[s] = num(f[iCr]);
    cols.remainingLifeY[s] = num(f[iRl]);
    cols.riskLevel[s] = (RISK_LEVEL_NAMES as readonly string[]).indexOf(f[iRisk] ?? '');
    cols.count++;
  }
  return cols;
}

const indexes = new WeakMap<NetworkData, Map<string, number>>();

/** Segment id -> index in the network (built once per network). */
export function segmentIndex(data: NetworkData): Map<string, number> {
  let m = indexes.get(data);
  if (!m) {
    m = new Map(data.meta.segments.id.map((id, i) => [id, i]));
    indexes.set(data, m);
  }
  return m;
}

type Listener = () => void;

export type ConditionLoad =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'ready'; columns: ConditionColumns }
  | { status: 'error'; message: string };

/** The whole network's condition, loaded once when a condition colouring first needs it. */
class ConditionStore {
  private state: ConditionLoad = { status: 'idle' };
  private readonly listeners = new Set<Listener>();

  readonly getState = (): ConditionLoad => this.state;

  readonly subscribe = (fn: Listener): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  load(data: NetworkData): void {
    if (this.state.status === 'loading' || this.state.status === 'ready') return;
    this.set({ status: 'loading' });
    apiFetch('/api/condition/segments.csv?sort=id&order=asc')
      .then(async (res) => {
        if (!res.ok) throw new Error(`GET /api/condition/segments.csv: ${res.status}`);
        return parseConditionCsv(await res.text(), data);
      })
      .then(
        (columns) => this.set({ status: 'ready', columns }),
        (err: Error) => this.set({ status: 'error', message: err.message }),
      );
  }

  private set(s: ConditionLoad): void {
    this.state = s;
    for (const fn of this.listeners) fn();
  }
}

export const conditionStore = new ConditionStore();
