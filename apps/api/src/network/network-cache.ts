import { COMPANY_ROLES, encodeNetworkGeometry, type NetworkResponse } from '@ct/contracts';
import {
  getPlantMeta,
  listAllSensors,
  loadNetworkRows,
  withScope,
  type Queryable,
  type Scope,
  type Sql,
} from '@ct/db';
import type { Principal } from '../auth/auth-service';

export interface NetworkSnapshot {
  version: string;
  json: NetworkResponse;
  /** The JSON already serialised: the network is large and the same for every client. */
  jsonText: string;
  geometry: Buffer;
  /** Ids of the sensors and equipment in it: what a client of this view may see live. */
  sensorIds: Set<number>;
  equipmentIds: Set<string>;
}

/**
 * Which part of the asset register a principal sees: the whole complex (its control room,
 * safety office, admins, regulator, displays) or one company's assets. The database's policies
 * decide what a view holds; the view only names the cache entry.
 */
export interface NetworkView {
  key: string;
  scope: Scope;
}

export function networkViewOf(p: Principal): NetworkView {
  if (COMPANY_ROLES.includes(p.role) && p.companyId)
    return {
      key: `company-${p.companyId}`,
      scope: { role: 'plant_engineer', companyId: p.companyId, userId: null },
    };
  return { key: 'all', scope: { role: 'operator', companyId: null, userId: null } };
}

const versionOf = (meta: NonNullable<Awaited<ReturnType<typeof getPlantMeta>>>, key: string) =>
  `${meta.source}-${meta.seed ?? 'x'}-${meta.size ?? 'x'}-${meta.loadedAt.getTime()}${key === 'all' ? '' : `-${key}`}`;

/** Interns strings to small integers, for columnar answers. */
class Dictionary {
  readonly values: string[] = [];
  private readonly index = new Map<string, number>();
  code(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.values.length;
      this.values.push(s);
      this.index.set(s, i);
    }
    return i;
  }
}

function pairs(flat: number[]): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i]!, flat[i + 1]!]);
  return out;
}

/**
 * Reads the network a scope may see from the database and builds both the JSON and the binary
 * form (`key` names the view in the version, so browsers never mix two views' geometry).
 */
export async function buildNetworkSnapshot(
  sql: Queryable,
  key = 'all',
): Promise<NetworkSnapshot | null> {
  const meta = await getPlantMeta(sql);
  if (!meta) return null;
  const version = versionOf(meta, key);
  const rows = await loadNetworkRows(sql);
  const sensors = await listAllSensors(sql);
  if (!rows.site) return null;

  const companyIndex = new Map(rows.companies.map((c, i) => [c.id, i]));
  const substanceIndex = new Map(rows.substances.map((s, i) => [s.id, i]));
  const lineIndex = new Map(rows.lines.map((l, i) => [l.id, i]));
  const segmentIndex = new Map(rows.segments.map((s, i) => [s.id, i]));
  const equipmentIndex = new Map(rows.equipment.map((e, i) => [e.id, i]));
  const materials = new Dictionary();
  const placements = new Dictionary();
  const quantities = new Dictionary();

  let pieceCount = 0;
  for (const s of rows.segments) pieceCount += Math.max(0, s.path_m.length / 3 - 1);
  const pieces = new Float32Array(pieceCount * 6);
  const pieceSegment = new Uint32Array(pieceCount);
  const radius = new Float32Array(rows.segments.length);
  let p = 0;
  rows.segments.forEach((s, si) => {
    radius[si] = s.diameter_mm / 2000;
    const path = s.path_m;
    for (let k = 0; k + 5 < path.length; k += 3) {
      pieces.set(path.slice(k, k + 6), p * 6);
      pieceSegment[p] = si;
      p++;
    }
  });
  const equipment = new Float32Array(rows.equipment.length * 3);
  rows.equipment.forEach((e, i) => equipment.set([e.x_m, e.y_m, e.z_m], i * 3));
  const geometry = Buffer.from(
    encodeNetworkGeometry({
      segmentCount: rows.segments.length,
      pieceCount,
      equipmentCount: rows.equipment.length,
      pieces,
      pieceSegment,
      radius,
      equipment,
    }),
  );

  const s = rows.site;
  const json: NetworkResponse = {
    version,
    site: {
      id: s.id,
      name: s.name,
      origin: { lat: s.origin_lat, lon: s.origin_lon },
      bounds: { min: s.bounds_min_m, max: s.bounds_max_m },
      coastline: pairs(s.coastline_m),
    },
    areas: rows.areas,
    companies: rows.companies.map((c) => ({
      id: c.id,
      name: c.name,
      short_name: c.short_name,
      area_id: c.area_id,
      plot: pairs(c.plot_m),
    })),
    substances: rows.substances.map((x) => ({
      id: x.id,
      name: x.name,
      toxic: x.toxic,
      flammable: x.flammable,
      dense_gas: x.dense_gas,
    })),
    materials: materials.values,
    placements: placements.values,
    quantities: quantities.values,
    lines: {
      id: rows.lines.map((l) => l.id),
      tag: rows.lines.map((l) => l.tag),
      name: rows.lines.map((l) => l.name),
      company: rows.lines.map((l) => companyIndex.get(l.company_id) ?? -1),
      substance: rows.lines.map((l) => substanceIndex.get(l.substance_id) ?? -1),
    },
    segments: {
      id: rows.segments.map((x) => x.id),
      line: rows.segments.map((x) => lineIndex.get(x.line_id) ?? -1),
      company: rows.segments.map((x) => companyIndex.get(x.company_id) ?? -1),
      install_year: rows.segments.map((x) => x.install_year),
      diameter_mm: rows.segments.map((x) => x.diameter_mm),
      length_m: rows.segments.map((x) => Math.round(x.length_m * 10) / 10),
      material: rows.segments.map((x) => materials.code(x.material)),
      placement: rows.segments.map((x) => placements.code(x.placement)),
      piping_class: rows.segments.map((x) => x.piping_class),
    },
    equipment: {
      id: rows.equipment.map((e) => e.id),
      kind: rows.equipment.map((e) => e.kind as NetworkResponse['equipment']['kind'][number]),
      tag: rows.equipment.map((e) => e.tag),
      company: rows.equipment.map((e) => companyIndex.get(e.company_id) ?? -1),
      line: rows.equipment.map((e) => (e.line_id ? (lineIndex.get(e.line_id) ?? -1) : -1)),
      isolation: rows.equipment.map((e) => e.isolation === true),
    },
    sensors: {
      id: sensors.map((x) => x.id),
      tag: sensors.map((x) => x.tag),
      company: sensors.map((x) => companyIndex.get(x.company_id) ?? -1),
      segment: sensors.map((x) => (x.segment_id ? (segmentIndex.get(x.segment_id) ?? -1) : -1)),
      equipment: sensors.map((x) =>
        x.equipment_id ? (equipmentIndex.get(x.equipment_id) ?? -1) : -1,
      ),
      quantity: sensors.map((x) => quantities.code(x.quantity)),
      unit: sensors.map((x) => x.unit),
    },
    geometry: {
      url: `/api/network/geometry?v=${encodeURIComponent(version)}`,
      bytes: geometry.length,
      pieces: pieceCount,
    },
  };
  return {
    version,
    json,
    jsonText: JSON.stringify(json),
    geometry,
    sensorIds: new Set(sensors.map((x) => x.id)),
    equipmentIds: new Set(rows.equipment.map((e) => e.id)),
  };
}

/**
 * Holds a network snapshot per view (the whole complex, or one company's), each rebuilt when
 * the plant in the database changes (checked at most every `checkMs`).
 */
export class NetworkCache {
  private readonly snapshots = new Map<string, NetworkSnapshot | null>();
  private readonly building = new Map<string, Promise<NetworkSnapshot | null>>();
  private plantVersion: string | null = null;
  private checkedAt = 0;
  private checking: Promise<void> | null = null;

  constructor(
    private readonly sql: Sql,
    private readonly checkMs = 30_000,
  ) {}

  /** The snapshot of a view (the whole complex when none is given). */
  async get(view: NetworkView = networkViewOf(ALL)): Promise<NetworkSnapshot | null> {
    if (Date.now() - this.checkedAt >= this.checkMs) {
      this.checking ??= this.checkPlant().finally(() => {
        this.checking = null;
      });
      await this.checking;
    }
    if (this.snapshots.has(view.key)) return this.snapshots.get(view.key)!;
    let b = this.building.get(view.key);
    if (!b) {
      b = withScope(this.sql, view.scope, (tx) => buildNetworkSnapshot(tx, view.key))
        .then((snap) => {
          // at most a few dozen views (companies) are kept; the oldest goes first
          if (this.snapshots.size >= 64) this.snapshots.delete(this.snapshots.keys().next().value!);
          this.snapshots.set(view.key, snap);
          return snap;
        })
        .finally(() => this.building.delete(view.key));
      this.building.set(view.key, b);
    }
    return b;
  }

  private async checkPlant(): Promise<void> {
    const meta = await withScope(this.sql, ALL_SCOPE, (tx) => getPlantMeta(tx));
    this.checkedAt = Date.now();
    const v = meta ? versionOf(meta, 'all') : null;
    if (v !== this.plantVersion) {
      this.plantVersion = v;
      this.snapshots.clear();
    }
  }
}

const ALL_SCOPE: Scope = { role: 'operator', companyId: null, userId: null };
// a principal that sees the whole register, for callers without one (tests, the live hub)
const ALL = { role: 'operator', companyId: null } as Principal;
