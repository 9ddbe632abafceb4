import type { PlantModel, Vec2, Vec3 } from '@ct/plant';
import type { Queryable } from './client';
import { inTransaction } from './scope';
import { doing } from './errors';

// Keeps every multi-row insert under PostgreSQL's 65,535 bind parameters.
const MAX_PARAMS = 60_000;

async function insertChunked(
  tx: Queryable,
  table: string,
  rows: Record<string, unknown>[],
): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!);
  const per = Math.max(1, Math.floor(MAX_PARAMS / columns.length));
  for (let i = 0; i < rows.length; i += per) {
    const chunk = rows.slice(i, i + per);
    await tx`insert into ${tx(table)} ${tx(chunk as Record<string, never>[], columns)}`;
  }
}

const flat2 = (pts: Vec2[]): number[] => pts.flatMap((p) => [p[0], p[1]]);
const flat3 = (pts: Vec3[]): number[] => pts.flatMap((p) => [p[0], p[1], p[2]]);

export interface PlantMeta {
  source: string;
  seed: number | null;
  size: string | null;
  version: number;
  loadedAt: Date;
}

/** What was loaded into the asset tables, or null when they are empty. */
export async function getPlantMeta(sql: Queryable): Promise<PlantMeta | null> {
  const rows = await sql<
    { source: string; seed: number | null; size: string | null; version: number; loaded_at: Date }[]
  >`select source, seed, size, version, loaded_at from plant_meta`;
  const r = rows[0];
  return r
    ? { source: r.source, seed: r.seed, size: r.size, version: r.version, loadedAt: r.loaded_at }
    : null;
}

/**
 * Writes a whole network model into empty asset tables in one transaction. Fails if a plant is
 * already loaded: sensor ids are referenced by stored readings and must not change under them.
 */
export async function loadPlant(sql: Queryable, model: PlantModel): Promise<void> {
  await doing('loading the plant model', () =>
    inTransaction(sql, async (tx) => {
      const [existing] = await tx`select source from plant_meta for update`;
      if (existing) throw new Error('a plant is already loaded; start from an empty database');
      const s = model.site;
      await tx`insert into site ${tx({
        id: s.id,
        name: s.name,
        origin_lat: s.origin.lat,
        origin_lon: s.origin.lon,
        bounds_min_m: s.bounds.min,
        bounds_max_m: s.bounds.max,
        coastline_m: flat2(s.coastline),
      })}`;
      await insertChunked(
        tx,
        'area',
        model.areas.map((a) => ({ id: a.id, name: a.name })),
      );
      await insertChunked(
        tx,
        'company',
        model.companies.map((c) => ({
          id: c.id,
          name: c.name,
          short_name: c.shortName,
          area_id: c.areaId,
          plot_m: flat2(c.plot),
        })),
      );
      await insertChunked(
        tx,
        'substance',
        model.substances.map((x) => ({
          id: x.id,
          name: x.name,
          formula: x.formula,
          cas: x.cas,
          molar_mass_g_mol: x.molarMassGMol,
          phase: x.phase,
          density_kg_m3: x.densityKgM3,
          bulk_modulus_pa: x.bulkModulusPa,
          toxic: x.toxic,
          flammable: x.flammable,
          dense_gas: x.denseGas,
          lfl_pct: x.lflPct,
          aegl_ppm: x.aegl?.ppm ?? null,
          aegl_source: x.aegl?.source ?? null,
          erpg_ppm: x.erpg?.ppm ?? null,
          erpg_source: x.erpg?.source ?? null,
          toxic_component: x.toxicComponent ? tx.json(x.toxicComponent) : null,
          piping_class: x.pipingClass,
        })),
      );
      await insertChunked(
        tx,
        'line',
        model.lines.map((l) => ({
          id: l.id,
          company_id: l.companyId,
          tag: l.tag,
          name: l.name,
          substance_id: l.substanceId,
          area_id: l.areaId,
          nominal_flow_m3h: l.nominalFlowM3h,
          inlet_pressure_kpa: l.inletPressureKpa,
          operating_temp_c: l.operatingTempC,
        })),
      );
      await insertChunked(
        tx,
        'node',
        model.nodes.map((n) => ({
          id: n.id,
          company_id: n.companyId,
          kind: n.kind,
          x_m: n.position[0],
          y_m: n.position[1],
          z_m: n.position[2],
        })),
      );
      await insertChunked(
        tx,
        'segment',
        model.segments.map((g) => ({
          id: g.id,
          company_id: g.companyId,
          line_id: g.lineId,
          line_order: g.order,
          from_node_id: g.fromNodeId,
          to_node_id: g.toNodeId,
          path_m: flat3(g.path),
          length_m: g.lengthM,
          diameter_mm: g.diameterMm,
          wall_mm: g.wallMm,
          corrosion_allowance_mm: g.corrosionAllowanceMm,
          material: g.material,
          install_year: g.installYear,
          substance_id: g.substanceId,
          design_pressure_kpa: g.designPressureKpa,
          design_temp_c: g.designTempC,
          piping_class: g.pipingClass,
          placement: g.placement,
          area_id: g.areaId,
        })),
      );
      await insertChunked(
        tx,
        'equipment',
        model.equipment.map((e) => ({
          id: e.id,
          company_id: e.companyId,
          kind: e.kind,
          tag: e.tag,
          name: e.name,
          x_m: e.position[0],
          y_m: e.position[1],
          z_m: e.position[2],
          area_id: e.areaId,
          line_id: e.lineId,
          node_id: e.nodeId,
          rated_kw: e.ratedKw ?? null,
          speed_rpm: e.speedRpm ?? null,
          machine_group: e.machineGroup ?? null,
          foundation: e.foundation ?? null,
          isolation: e.isolation ?? null,
          capacity_m3: e.capacityM3 ?? null,
        })),
      );
      await insertChunked(
        tx,
        'device',
        model.devices.map((d) => ({
          company_id: d.companyId,
          id: d.id,
          kind: d.kind,
          name: d.name,
          area_id: d.areaId,
        })),
      );
      await insertChunked(
        tx,
        'sensor',
        model.sensors.map((x) => ({
          company_id: x.companyId,
          device_id: x.deviceId,
          tag: x.tag,
          quantity: x.quantity,
          unit: x.unit,
          segment_id: x.segmentId,
          equipment_id: x.equipmentId,
          position_m: x.positionM,
        })),
      );
      await tx`insert into plant_meta (source, seed, size, version)
        values (${model.meta.source}, ${model.meta.seed}, ${model.meta.size}, ${model.meta.version})`;
    }),
  );
}

export interface SensorKey {
  id: number;
  companyId: string;
  tag: string;
}

/** Every sensor's id by company and tag: what ingest needs to map a reading to a row. */
export async function listSensorKeys(sql: Queryable): Promise<SensorKey[]> {
  return doing('listing sensors', async () => {
    const rows = await sql<{ id: number; company_id: string; tag: string }[]>`
      select id, company_id, tag from sensor`;
    return rows.map((r) => ({ id: r.id, companyId: r.company_id, tag: r.tag }));
  });
}

export interface SensorRow {
  id: number;
  tag: string;
  company_id: string;
  device_id: string;
  quantity: string;
  unit: string;
  segment_id: string | null;
  equipment_id: string | null;
  position_m: number | null;
}

export interface SensorFilter {
  company?: string | undefined;
  segment?: string | undefined;
  equipment?: string | undefined;
  quantity?: string | undefined;
  limit: number;
  offset: number;
}

/** Sensors matching every given filter, ordered by id. */
export async function listSensors(sql: Queryable, f: SensorFilter): Promise<SensorRow[]> {
  return doing(
    'listing sensors',
    () =>
      sql<SensorRow[]>`
      select id, tag, company_id, device_id, quantity, unit, segment_id, equipment_id, position_m
      from sensor
      where (${f.company ?? null}::text is null or company_id = ${f.company ?? null})
        and (${f.segment ?? null}::text is null or segment_id = ${f.segment ?? null})
        and (${f.equipment ?? null}::text is null or equipment_id = ${f.equipment ?? null})
        and (${f.quantity ?? null}::text is null or quantity = ${f.quantity ?? null})
      order by id limit ${f.limit} offset ${f.offset}`,
  );
}

/** One sensor, or null. */
export async function getSensor(sql: Queryable, id: number): Promise<SensorRow | null> {
  const rows = await doing(
    `reading sensor ${id}`,
    () => sql<SensorRow[]>`
      select id, tag, company_id, device_id, quantity, unit, segment_id, equipment_id, position_m
      from sensor where id = ${id}`,
  );
  return rows[0] ?? null;
}

/** Every sensor with the fields the live view needs, ordered by id. */
export async function listAllSensors(sql: Queryable): Promise<SensorRow[]> {
  return doing(
    'listing sensors',
    () => sql<SensorRow[]>`
      select id, tag, company_id, device_id, quantity, unit, segment_id, equipment_id, position_m
      from sensor order by id`,
  );
}

export interface NetworkRows {
  site: {
    id: string;
    name: string;
    origin_lat: number;
    origin_lon: number;
    bounds_min_m: number[];
    bounds_max_m: number[];
    coastline_m: number[];
  } | null;
  areas: { id: string; name: string }[];
  companies: { id: string; name: string; short_name: string; area_id: string; plot_m: number[] }[];
  substances: {
    id: string;
    name: string;
    toxic: boolean;
    flammable: boolean;
    dense_gas: boolean;
    piping_class: number;
  }[];
  lines: { id: string; company_id: string; tag: string; name: string; substance_id: string }[];
  segments: {
    id: string;
    company_id: string;
    line_id: string;
    line_order: number;
    path_m: number[];
    length_m: number;
    diameter_mm: number;
    install_year: number;
    material: string;
    placement: string;
    substance_id: string;
    piping_class: number;
  }[];
  equipment: {
    id: string;
    company_id: string;
    kind: string;
    tag: string;
    name: string;
    x_m: number;
    y_m: number;
    z_m: number;
    line_id: string | null;
    isolation: boolean | null;
  }[];
}

/** Everything the 3D view draws, read in one go (cached by the api). */
export async function loadNetworkRows(sql: Queryable): Promise<NetworkRows> {
  return doing('reading the network', async () => {
    const [site] = await sql<NonNullable<NetworkRows['site']>[]>`
      select id, name, origin_lat, origin_lon, bounds_min_m, bounds_max_m, coastline_m from site`;
    const areas = await sql<NetworkRows['areas']>`select id, name from area order by id`;
    const companies = await sql<NetworkRows['companies']>`
      select id, name, short_name, area_id, plot_m from company order by id`;
    const substances = await sql<NetworkRows['substances']>`
      select id, name, toxic, flammable, dense_gas, piping_class from substance order by id`;
    const lines = await sql<NetworkRows['lines']>`
      select id, company_id, tag, name, substance_id from line order by id`;
    const segments = await sql<NetworkRows['segments']>`
      select id, company_id, line_id, line_order, path_m, length_m, diameter_mm, install_year,
        material, placement, substance_id, piping_class
      from segment order by line_id, line_order`;
    const equipment = await sql<NetworkRows['equipment']>`
      select id, company_id, kind, tag, name, x_m, y_m, z_m, line_id, isolation
      from equipment order by id`;
    return { site: site ?? null, areas, companies, substances, lines, segments, equipment };
  });
}

/** Records a device's online/offline status message. Unknown devices are ignored (false). */
export async function updateDeviceStatus(
  sql: Queryable,
  companyId: string,
  deviceId: string,
  status: 'online' | 'offline',
  atMs: number,
): Promise<boolean> {
  const r = await doing(
    'recording device status',
    () => sql`
      update device set status = ${status}, status_at = ${new Date(atMs)}
      where company_id = ${companyId} and id = ${deviceId}`,
  );
  return r.count > 0;
}

export interface SegmentDetailRow {
  id: string;
  company_id: string;
  line_id: string;
  line_order: number;
  from_node_id: string;
  to_node_id: string;
  path_m: number[];
  length_m: number;
  diameter_mm: number;
  wall_mm: number;
  corrosion_allowance_mm: number;
  material: string;
  install_year: number;
  substance_id: string;
  design_pressure_kpa: number;
  design_temp_c: number;
  piping_class: number;
  placement: string;
  area_id: string;
  line_tag: string;
  line_name: string;
  company_name: string;
}

/** One segment with its line and owner, or null. */
export async function getSegment(sql: Queryable, id: string): Promise<SegmentDetailRow | null> {
  const rows = await doing(
    `reading segment ${id}`,
    () => sql<SegmentDetailRow[]>`
      select s.*, l.tag as line_tag, l.name as line_name, c.name as company_name
      from segment s join line l on l.id = s.line_id join company c on c.id = s.company_id
      where s.id = ${id}`,
  );
  return rows[0] ?? null;
}

export interface EquipmentDetailRow {
  id: string;
  company_id: string;
  kind: string;
  tag: string;
  name: string;
  x_m: number;
  y_m: number;
  z_m: number;
  area_id: string;
  line_id: string | null;
  node_id: string | null;
  rated_kw: number | null;
  speed_rpm: number | null;
  machine_group: number | null;
  foundation: string | null;
  isolation: boolean | null;
  capacity_m3: number | null;
  company_name: string;
}

/** One piece of equipment with its owner, or null. */
export async function getEquipment(sql: Queryable, id: string): Promise<EquipmentDetailRow | null> {
  const rows = await doing(
    `reading equipment ${id}`,
    () => sql<EquipmentDetailRow[]>`
      select e.*, c.name as company_name
      from equipment e join company c on c.id = e.company_id where e.id = ${id}`,
  );
  return rows[0] ?? null;
}

const pairs = (a: number[]): Vec2[] => {
  const out: Vec2[] = [];
  for (let i = 0; i + 1 < a.length; i += 2) out.push([a[i]!, a[i + 1]!]);
  return out;
};
const triples = (a: number[]): Vec3[] => {
  const out: Vec3[] = [];
  for (let i = 0; i + 2 < a.length; i += 3) out.push([a[i]!, a[i + 1]!, a[i + 2]!]);
  return out;
};
const num = (x: unknown): number => Number(x);
const opt = <T>(x: T | null): T | undefined => (x === null ? undefined : x);

/**
 * Reads the whole network model back from the asset tables (what `loadPlant` wrote, or an
 * imported network): for services that reason over the plant, such as the leak detector.
 * Null when no plant is loaded.
 */
export async function readPlantModel(sql: Queryable): Promise<PlantModel | null> {
  return doing('reading the plant model', async () => {
    const meta = await getPlantMeta(sql);
    if (!meta) return null;
    const [site] = await sql<Record<string, never>[]>`select * from site`;
    const areas = await sql<{ id: string; name: string }[]>`select id, name from area order by id`;
    const companies = await sql<Record<string, never>[]>`select * from company order by id`;
    const substances = await sql<Record<string, never>[]>`select * from substance order by id`;
    const lines = await sql<Record<string, never>[]>`select * from line order by id`;
    const nodes = await sql<Record<string, never>[]>`select * from node order by id`;
    const segments = await sql<Record<string, never>[]>`
      select * from segment order by line_id, line_order`;
    const equipment = await sql<Record<string, never>[]>`select * from equipment order by id`;
    const devices = await sql<Record<string, never>[]>`
      select company_id, id, kind, name, area_id from device order by company_id, id`;
    const sensors = await sql<Record<string, never>[]>`select * from sensor order by id`;
    const s = site as Record<string, unknown> | undefined;
    const levels = (ppm: unknown, source: unknown) =>
      Array.isArray(ppm) && ppm.length === 3
        ? { ppm: ppm.map(num) as [number, number, number], source: String(source ?? '') }
        : null;
    const model: PlantModel = {
      meta: {
        source: meta.source as PlantModel['meta']['source'],
        seed: meta.seed,
        size: meta.size as PlantModel['meta']['size'],
        version: meta.version,
      },
      site: {
        id: String(s?.['id'] ?? ''),
        name: String(s?.['name'] ?? ''),
        origin: { lat: num(s?.['origin_lat'] ?? 0), lon: num(s?.['origin_lon'] ?? 0) },
        bounds: {
          min: ((s?.['bounds_min_m'] as number[] | undefined) ?? [0, 0, 0]).map(num) as Vec3,
          max: ((s?.['bounds_max_m'] as number[] | undefined) ?? [0, 0, 0]).map(num) as Vec3,
        },
        coastline: pairs(((s?.['coastline_m'] as number[] | undefined) ?? []).map(num)),
      },
      areas,
      companies: companies.map((c: Record<string, unknown>) => ({
        id: String(c['id']),
        name: String(c['name']),
        shortName: String(c['short_name']),
        areaId: String(c['area_id']),
        plot: pairs((c['plot_m'] as number[]).map(num)),
      })),
      substances: substances.map((x: Record<string, unknown>) => ({
        id: x['id'] as PlantModel['substances'][number]['id'],
        name: String(x['name']),
        formula: String(x['formula']),
        cas: (x['cas'] as string | null) ?? null,
        molarMassGMol: num(x['molar_mass_g_mol']),
        phase: x['phase'] as PlantModel['substances'][number]['phase'],
        densityKgM3: num(x['density_kg_m3']),
        bulkModulusPa: num(x['bulk_modulus_pa']),
        toxic: Boolean(x['toxic']),
        flammable: Boolean(x['flammable']),
        denseGas: Boolean(x['dense_gas']),
        lflPct: x['lfl_pct'] === null ? null : num(x['lfl_pct']),
        aegl: levels(x['aegl_ppm'], x['aegl_source']),
        erpg: levels(x['erpg_ppm'], x['erpg_source']),
        toxicComponent:
          (x['toxic_component'] as PlantModel['substances'][number]['toxicComponent']) ?? null,
        pipingClass: num(x['piping_class']) as 1 | 2 | 3 | 4,
      })),
      lines: lines.map((l: Record<string, unknown>) => ({
        id: String(l['id']),
        companyId: String(l['company_id']),
        tag: String(l['tag']),
        name: String(l['name']),
        substanceId: l['substance_id'] as PlantModel['lines'][number]['substanceId'],
        areaId: String(l['area_id']),
        nominalFlowM3h: num(l['nominal_flow_m3h']),
        inletPressureKpa: num(l['inlet_pressure_kpa']),
        operatingTempC: num(l['operating_temp_c']),
      })),
      nodes: nodes.map((n: Record<string, unknown>) => ({
        id: String(n['id']),
        companyId: String(n['company_id']),
        kind: n['kind'] as PlantModel['nodes'][number]['kind'],
        position: [num(n['x_m']), num(n['y_m']), num(n['z_m'])] as Vec3,
      })),
      segments: segments.map((g: Record<string, unknown>) => ({
        id: String(g['id']),
        companyId: String(g['company_id']),
        lineId: String(g['line_id']),
        order: num(g['line_order']),
        fromNodeId: String(g['from_node_id']),
        toNodeId: String(g['to_node_id']),
        path: triples((g['path_m'] as number[]).map(num)),
        lengthM: num(g['length_m']),
        diameterMm: num(g['diameter_mm']),
        wallMm: num(g['wall_mm']),
        corrosionAllowanceMm: num(g['corrosion_allowance_mm']),
        material: g['material'] as PlantModel['segments'][number]['material'],
        installYear: num(g['install_year']),
        substanceId: g['substance_id'] as PlantModel['segments'][number]['substanceId'],
        designPressureKpa: num(g['design_pressure_kpa']),
        designTempC: num(g['design_temp_c']),
        pipingClass: num(g['piping_class']) as 1 | 2 | 3 | 4,
        placement: g['placement'] as PlantModel['segments'][number]['placement'],
        areaId: String(g['area_id']),
      })),
      equipment: equipment.map((e: Record<string, unknown>) => {
        const item: PlantModel['equipment'][number] = {
          id: String(e['id']),
          companyId: String(e['company_id']),
          kind: e['kind'] as PlantModel['equipment'][number]['kind'],
          tag: String(e['tag']),
          name: String(e['name']),
          position: [num(e['x_m']), num(e['y_m']), num(e['z_m'])] as Vec3,
          areaId: String(e['area_id']),
          lineId: (e['line_id'] as string | null) ?? null,
          nodeId: (e['node_id'] as string | null) ?? null,
        };
        const more = {
          ratedKw: opt(e['rated_kw'] === null ? null : num(e['rated_kw'])),
          speedRpm: opt(e['speed_rpm'] === null ? null : num(e['speed_rpm'])),
          machineGroup: opt(e['machine_group'] as 1 | 2 | null),
          foundation: opt(e['foundation'] as 'rigid' | 'flexible' | null),
          isolation: opt(e['isolation'] as boolean | null),
          capacityM3: opt(e['capacity_m3'] === null ? null : num(e['capacity_m3'])),
        };
        for (const [k, v] of Object.entries(more))
          if (v !== undefined) (item as unknown as Record<string, unknown>)[k] = v;
        return item;
      }),
      devices: devices.map((d: Record<string, unknown>) => ({
        id: String(d['id']),
        companyId: String(d['company_id']),
        kind: d['kind'] as PlantModel['devices'][number]['kind'],
        name: String(d['name']),
        areaId: String(d['area_id']),
      })),
      sensors: sensors.map((x: Record<string, unknown>) => ({
        tag: String(x['tag']),
        companyId: String(x['company_id']),
        deviceId: String(x['device_id']),
        quantity: x['quantity'] as PlantModel['sensors'][number]['quantity'],
        unit: String(x['unit']),
        segmentId: (x['segment_id'] as string | null) ?? null,
        equipmentId: (x['equipment_id'] as string | null) ?? null,
        positionM: x['position_m'] === null ? null : num(x['position_m']),
      })),
    };
    return model;
  });
}
