import { encodeNetworkGeometry, type NetworkResponse } from '@ct/contracts';
import { getPlantMeta, listAllSensors, loadNetworkRows, type Sql } from '@ct/db';

export interface NetworkSnapshot {
  version: string;
  json: NetworkResponse;
  /** The JSON already serialised: the network is large and the same for every client. */
  jsonText: string;
  geometry: Buffer;
}

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

/** Reads the whole network from the database and builds both the JSON and the binary form. */
export async function buildNetworkSnapshot(sql: Sql): Promise<NetworkSnapshot | null> {
  const meta = await getPlantMeta(sql);
  if (!meta) return null;
  const version = `${meta.source}-${meta.seed ?? 'x'}-${meta.size ?? 'x'}-${meta.loadedAt.getTime()}`;
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
  return { version, json, jsonText: JSON.stringify(json), geometry };
}

/**
 * Holds the network snapshot, rebuilt when the plant in the database changes (checked at most
 * every `checkMs`).
 */
export class NetworkCache {
  private snapshot: NetworkSnapshot | null = null;
  private checkedAt = 0;
  private building: Promise<NetworkSnapshot | null> | null = null;

  constructor(
    private readonly sql: Sql,
    private readonly checkMs = 30_000,
  ) {}

  async get(): Promise<NetworkSnapshot | null> {
    if (this.snapshot && Date.now() - this.checkedAt < this.checkMs) return this.snapshot;
    this.building ??= this.refresh().finally(() => {
      this.building = null;
    });
    return this.building;
  }

  private async refresh(): Promise<NetworkSnapshot | null> {
    const meta = await getPlantMeta(this.sql);
    this.checkedAt = Date.now();
    if (!meta) return (this.snapshot = null);
    const version = `${meta.source}-${meta.seed ?? 'x'}-${meta.size ?? 'x'}-${meta.loadedAt.getTime()}`;
    if (this.snapshot?.version === version) return this.snapshot;
    this.snapshot = await buildNetworkSnapshot(this.sql);
    return this.snapshot;
  }
}
