import type { z } from 'zod';
import type {
  Area,
  Company,
  Device,
  DeviceKind,
  Equipment,
  Line,
  NodeKind,
  PlantModel,
  PlantNode,
  Segment,
  SensorDef,
  Vec2,
  Vec3,
} from './model';
import {
  AreaDeclSchema,
  ComplexTwinMemberSchema,
  CompanyDeclSchema,
  DeviceDeclSchema,
  EQUIPMENT_KINDS,
  EquipmentPropertiesSchema,
  LineDeclSchema,
  LineStringCoordinatesSchema,
  PlotPropertiesSchema,
  PolygonCoordinatesSchema,
  PositionSchema,
  SegmentPropertiesSchema,
  SensorPropertiesSchema,
  show,
  type CompanyDecl,
  type DeviceDecl,
  type EquipmentProperties,
  type LineDecl,
  type SegmentProperties,
  type SensorProperties,
} from './geojson-schema';
import { boundsOf, modelPoints, pointAlong, polylineLength } from './geometry';
import {
  MAX_SENSORS_PER_DEVICE,
  UNIT_BY_QUANTITY,
  instrumentLine,
  instrumentMachine,
  toDeviceId,
  toTagBase,
} from './instrumentation';
import { findJsonSyntaxProblem } from './json-syntax';
import { copySubstances, substanceById } from './substances';

/** One problem in an imported file. */
export interface PlantImportIssue {
  /** Index of the feature in `features` (0-based); null for the document or `complextwin`. */
  feature: number | null;
  /** Where in the feature (or document): `properties.diameter_mm`, `geometry.coordinates[3][1]`. */
  path: string;
  message: string;
}

/** Thrown by `importGeoJson` with every problem found in the file, not only the first. */
export class PlantImportError extends Error {
  readonly errors: readonly PlantImportIssue[];

  constructor(
    errors: readonly PlantImportIssue[],
    labels: ReadonlyMap<number, string> = new Map(),
  ) {
    const lines = errors.slice(0, 50).map((e) => {
      const where =
        e.feature === null
          ? e.path || 'document'
          : `feature ${e.feature}${labels.has(e.feature) ? ` (${labels.get(e.feature)})` : ''}${e.path ? `: ${e.path}` : ''}`;
      return `${where}: ${e.message}`;
    });
    if (errors.length > 50) lines.push(`... and ${errors.length - 50} more`);
    const count = `${errors.length} problem${errors.length === 1 ? '' : 's'}`;
    super(`GeoJSON import failed with ${count}:\n${lines.join('\n')}`);
    this.name = 'PlantImportError';
    this.errors = errors;
  }
}

export interface ImportGeoJsonOptions {
  /** Segment endpoints closer than this are one node, metres; default 0.5 (or the file's own). */
  snapToleranceM?: number;
}

const DEFAULT_SNAP_M = 0.5;
// Heights given to 2D coordinates, by placement (site metres).
const Z_BY_PLACEMENT = { rack: 8, sleeper: 0.5, buried: -1.5 } as const;
const WEATHER = new Set(['wind_speed', 'wind_direction', 'cloud_cover', 'air_temperature']);

interface SegIn {
  feature: number;
  p: SegmentProperties;
  path: Vec3[];
  has3d: [boolean, boolean];
  from: number;
  to: number;
}
interface EquipIn {
  feature: number;
  p: EquipmentProperties;
  at: Vec3;
  has3d: boolean;
}
interface SensorIn {
  feature: number;
  p: SensorProperties;
  at: Vec3;
}

/**
 * Imports a plant's own network from GeoJSON (text or a parsed object) in site metres, as
 * documented in docs/plant-geojson.md. Throws `PlantImportError` listing every problem found.
 */
export function importGeoJson(input: unknown, options: ImportGeoJsonOptions = {}): PlantModel {
  return new Importer().run(input, options);
}

class Importer {
  private readonly issues: PlantImportIssue[] = [];
  private readonly labels = new Map<number, string>();

  private add(feature: number | null, path: string, message: string): void {
    this.issues.push({ feature, path, message });
  }

  private zodIssues(feature: number | null, prefix: string, error: z.ZodError): void {
    for (const issue of error.issues) {
      let path = prefix;
      for (const key of issue.path) {
        path +=
          typeof key === 'number' ? `[${key}]` : path === '' ? String(key) : `.${String(key)}`;
      }
      this.add(feature, path, issue.message);
    }
  }

  private fail(): never {
    const sorted = this.issues
      .map((issue, k) => ({ issue, k }))
      .sort((a, b) => (a.issue.feature ?? -1) - (b.issue.feature ?? -1) || a.k - b.k)
      .map((x) => x.issue);
    throw new PlantImportError(sorted, this.labels);
  }

  run(input: unknown, options: ImportGeoJsonOptions): PlantModel {
    const doc = this.parse(input);
    if (!isObject(doc) || doc['type'] !== 'FeatureCollection') {
      const got = isObject(doc)
        ? typeof doc['type'] === 'string'
          ? `an object with "type": ${show(doc['type'])}`
          : 'an object without "type"'
        : show(doc);
      this.add(null, 'type', `expected a GeoJSON FeatureCollection, got ${got}`);
      this.fail();
    }
    const features = doc['features'];
    if (!Array.isArray(features)) {
      this.add(null, 'features', `expected an array of features, got ${show(features)}`);
      this.fail();
    }

    const member = ComplexTwinMemberSchema.optional().safeParse(doc['complextwin']);
    if (!member.success) this.zodIssues(null, 'complextwin', member.error);
    const decl = member.success ? (member.data ?? {}) : {};
    const snapM = options.snapToleranceM ?? decl.snap_tolerance_m ?? DEFAULT_SNAP_M;
    const areasDecl = this.items('areas', decl.areas, AreaDeclSchema);
    const companiesDecl = this.items('companies', decl.companies, CompanyDeclSchema);
    const linesDecl = this.items('lines', decl.lines, LineDeclSchema);
    const devicesDecl = this.items('devices', decl.devices, DeviceDeclSchema);

    // Per-feature checks.
    const segs: SegIn[] = [];
    const equips: EquipIn[] = [];
    const sensorsIn: SensorIn[] = [];
    const plots = new Map<string, Vec2[]>();
    features.forEach((f, i) => {
      if (!isObject(f)) {
        this.add(i, '', `expected a GeoJSON Feature object, got ${show(f)}`);
        return;
      }
      if (f['type'] !== 'Feature')
        this.add(i, 'type', `expected "Feature", got ${show(f['type'])}`);
      const g = f['geometry'];
      const props = f['properties'];
      if (!isObject(g)) {
        this.add(i, 'geometry', `expected a geometry object, got ${show(g)}`);
        return;
      }
      if (!isObject(props)) {
        this.add(i, 'properties', `expected an object of properties, got ${show(props)}`);
        return;
      }
      const id = typeof props['id'] === 'string' ? props['id'] : null;
      if (g['type'] === 'LineString') {
        if (id !== null) this.labels.set(i, `segment ${id}`);
        const seg = this.segmentFeature(i, g['coordinates'], props);
        if (seg) segs.push(seg);
      } else if (g['type'] === 'Point') {
        const kind = props['kind'];
        if (kind === 'sensor') {
          if (typeof props['tag'] === 'string') this.labels.set(i, `sensor ${props['tag']}`);
          const s = this.sensorFeature(i, g['coordinates'], props);
          if (s) sensorsIn.push(s);
        } else if ((EQUIPMENT_KINDS as readonly unknown[]).includes(kind)) {
          if (id !== null) this.labels.set(i, `${String(kind)} ${id}`);
          const e = this.equipmentFeature(i, g['coordinates'], props);
          if (e) equips.push(e);
        } else {
          const allowed = `${EQUIPMENT_KINDS.join(', ')}, sensor`;
          this.add(
            i,
            'properties.kind',
            kind === undefined
              ? `missing kind; a Point is equipment or a sensor: ${allowed}`
              : `unknown kind ${show(kind)}; allowed: ${allowed}`,
          );
        }
      } else if (g['type'] === 'Polygon') {
        const p = PlotPropertiesSchema.safeParse(props);
        const c = PolygonCoordinatesSchema.safeParse(g['coordinates']);
        if (!c.success) this.zodIssues(i, 'geometry.coordinates', c.error);
        if (!p.success) this.zodIssues(i, 'properties', p.error);
        if (p.success && c.success) {
          this.labels.set(i, `plot of ${p.data.company}`);
          const ring = c.data[0]!.map((q): Vec2 => [q[0]!, q[1]!]);
          plots.set(p.data.company, ring.slice(0, -1));
        }
      } else {
        this.add(
          i,
          'geometry.type',
          `expected "LineString" (a pipe segment), "Point" (equipment or a sensor) or "Polygon" (a company plot), got ${show(g['type'])}`,
        );
      }
    });

    // A repeated id is reported once, and the repeat is left out of every later check.
    const repeatedSegs = this.duplicates(segs, (x) => x.p.id, 'segment id', 'properties.id');
    const repeatedEquips = this.duplicates(equips, (x) => x.p.id, 'equipment id', 'properties.id');
    const tagKey = (x: { p: { company: string; tag: string } }): string =>
      `${x.p.company}\u0000${x.p.tag}`;
    const tagOf = (x: { p: { tag: string } }): string => x.p.tag;
    this.duplicates(equips, tagKey, 'tag', 'properties.tag', tagOf);
    this.duplicates(sensorsIn, tagKey, 'tag', 'properties.tag', tagOf);
    if (
      segs.length === 0 &&
      !features.some(
        (f) => isObject(f) && isObject(f['geometry']) && f['geometry']['type'] === 'LineString',
      )
    ) {
      this.add(null, 'features', 'the file has no pipe segments (LineString features)');
    }
    this.looksLikeDegrees(segs);

    // Areas and companies: declared, or derived from what the features name.
    const areas: Area[] = areasDecl.valid.map((a) => ({ id: a.id, name: a.name }));
    const areaIds = new Set(areasDecl.ids);
    const ensureArea = (id: string, feature: number | null, path: string): string => {
      if (areaIds.has(id)) return id;
      if (areasDecl.declared) {
        this.add(feature, path, `unknown area ${show(id)}; declared areas: ${list(areasDecl.ids)}`);
      } else {
        areaIds.add(id);
        areas.push({ id, name: id });
      }
      return id;
    };
    // Without an area: the first declared area, or area `site` when none are declared.
    const defaultArea = (): string => {
      if (areasDecl.declared && areas[0]) return areas[0].id;
      if (!areaIds.has('site')) {
        areaIds.add('site');
        areas.push({ id: 'site', name: 'Site' });
      }
      return 'site';
    };

    const companyIds = new Set(companiesDecl.ids);
    const usedShort = new Set<string>();
    const companies = new Map<string, Company>();
    companiesDecl.valid.forEach((c: CompanyDecl, k) => {
      const path = `complextwin.companies[${companiesDecl.indexOf[k]}]`;
      if (usedShort.has(c.short_name)) {
        this.add(null, `${path}.short_name`, `duplicate short name ${show(c.short_name)}`);
      }
      usedShort.add(c.short_name);
      companies.set(c.id, {
        id: c.id,
        name: c.name,
        shortName: c.short_name,
        areaId: c.area ? ensureArea(c.area, null, `${path}.area`) : defaultArea(),
        plot: (c.plot ?? []).map((q): Vec2 => [q[0]!, q[1]!]),
      });
    });
    const companyOf = (id: string, feature: number, path: string): boolean => {
      if (companyIds.has(id)) return companies.has(id);
      if (companiesDecl.declared) {
        this.add(
          feature,
          path,
          `unknown company ${show(id)}; declared companies: ${list(companiesDecl.ids)}`,
        );
        return false;
      }
      companyIds.add(id);
      companies.set(id, {
        id,
        name: id,
        shortName: shortNameFrom(id, usedShort),
        areaId: defaultArea(),
        plot: [],
      });
      return true;
    };
    const segsOk = segs.filter(
      (x) => !repeatedSegs.has(x) && companyOf(x.p.company, x.feature, 'properties.company'),
    );
    const equipsOk = equips.filter(
      (x) => !repeatedEquips.has(x) && companyOf(x.p.company, x.feature, 'properties.company'),
    );
    const sensorsOk = sensorsIn.filter((s) =>
      companyOf(s.p.company, s.feature, 'properties.company'),
    );
    for (const company of plots.keys()) {
      if (!companyIds.has(company)) {
        this.add(
          null,
          'features',
          `a plot names company ${show(company)}, which nothing else uses`,
        );
      }
    }

    // Lines: declared, or derived from their segments; either way the segments must agree.
    const lineDecls = new Map<string, LineDecl>(linesDecl.valid.map((l) => [l.id, l]));
    const byLine = new Map<string, SegIn[]>();
    for (const s of segsOk) {
      const known = lineDecls.get(s.p.line);
      const first = byLine.get(s.p.line)?.[0];
      const owner = known?.company ?? first?.p.company;
      const carries = known?.substance ?? first?.p.substance;
      if (owner !== undefined && owner !== s.p.company) {
        this.add(
          s.feature,
          'properties.company',
          `line ${show(s.p.line)} belongs to company ${show(owner)}, not ${show(s.p.company)}`,
        );
      }
      if (carries !== undefined && carries !== s.p.substance) {
        this.add(
          s.feature,
          'properties.substance',
          `line ${show(s.p.line)} carries ${carries}, not ${s.p.substance}`,
        );
      }
      const group = byLine.get(s.p.line) ?? [];
      group.push(s);
      byLine.set(s.p.line, group);
    }
    linesDecl.valid.forEach((l, k) => {
      const path = `complextwin.lines[${linesDecl.indexOf[k]}]`;
      if (!byLine.has(l.id) && !linesDecl.invalidIds.has(l.id)) {
        this.add(null, path, `line ${show(l.id)} has no segments`);
      }
      if (!companyIds.has(l.company)) {
        this.add(null, `${path}.company`, `unknown company ${show(l.company)}`);
      }
    });
    const lineTags = new Map<string, number>();
    linesDecl.valid.forEach((l, k) => {
      if (!l.tag) return;
      const key = `${l.company}\u0000${l.tag}`;
      const before = lineTags.get(key);
      if (before === undefined) lineTags.set(key, linesDecl.indexOf[k]!);
      else {
        this.add(
          null,
          `complextwin.lines[${linesDecl.indexOf[k]}].tag`,
          `duplicate line tag ${show(l.tag)} in the same company (also complextwin.lines[${before}])`,
        );
      }
    });

    // Nodes: segment ends within the snap tolerance are one node.
    const snapper = new Snapper(snapM);
    for (const s of segsOk) {
      s.from = snapper.node(s.path[0]!, s.has3d[0]);
      s.to = snapper.node(s.path[s.path.length - 1]!, s.has3d[1]);
      if (s.from === s.to) {
        this.add(
          s.feature,
          'geometry.coordinates',
          `the segment starts and ends at the same point (within ${snapM} m)`,
        );
      }
    }
    const ordered = new Map<string, SegIn[]>();
    for (const [lineId, group] of byLine) {
      const chain = this.chain(lineId, group, snapper, snapM);
      if (chain) ordered.set(lineId, chain);
    }

    // Equipment and sensors must refer to things that exist.
    const lineIds = new Set([...linesDecl.ids, ...byLine.keys()]);
    for (const e of equipsOk) {
      if (e.p.line !== undefined && !lineIds.has(e.p.line)) {
        this.add(e.feature, 'properties.line', `unknown line ${show(e.p.line)}`);
      }
    }
    const segIds = new Set(segsOk.map((s) => s.p.id));
    const equipIds = new Set(equipsOk.map((e) => e.p.id));
    for (const s of sensorsOk) {
      if (s.p.segment !== undefined && s.p.equipment !== undefined) {
        this.add(
          s.feature,
          'properties.equipment',
          'a sensor is on a segment or on equipment, not both',
        );
      }
      if (s.p.segment !== undefined && !segIds.has(s.p.segment)) {
        this.add(s.feature, 'properties.segment', `unknown segment ${show(s.p.segment)}`);
      }
      if (s.p.equipment !== undefined && !equipIds.has(s.p.equipment)) {
        this.add(s.feature, 'properties.equipment', `unknown equipment ${show(s.p.equipment)}`);
      }
    }

    if (this.issues.length > 0) this.fail();
    return this.build({
      decl,
      areas,
      defaultArea,
      ensureArea,
      companies,
      plots,
      lineDecls,
      ordered,
      equips: equipsOk,
      sensorsIn: sensorsOk,
      devicesDecl: devicesDecl.valid,
      snapper,
      snapM,
    });
  }

  private parse(input: unknown): unknown {
    if (typeof input !== 'string') return input;
    // A byte-order mark is common in files saved by Windows tools.
    const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
    try {
      return JSON.parse(text);
    } catch (e) {
      const p = findJsonSyntaxProblem(text);
      this.add(
        null,
        '',
        p
          ? `invalid JSON at line ${p.line}, column ${p.column} (character ${p.position}): ${p.reason}`
          : `invalid JSON: ${(e as Error).message}`,
      );
      this.fail();
    }
  }

  /** Checks a declared list item by item, keeping the valid items and every id it names. */
  private items<T extends { id: string }>(
    name: string,
    raw: unknown[] | undefined,
    schema: z.ZodType<T>,
  ): { declared: boolean; valid: T[]; indexOf: number[]; ids: string[]; invalidIds: Set<string> } {
    const valid: T[] = [];
    const indexOf: number[] = [];
    const ids: string[] = [];
    const invalidIds = new Set<string>();
    const seen = new Map<string, number>();
    (raw ?? []).forEach((item, k) => {
      const path = `complextwin.${name}[${k}]`;
      const id = isObject(item) && typeof item['id'] === 'string' ? item['id'] : null;
      if (id !== null) {
        const before = seen.get(id);
        if (before !== undefined) {
          this.add(
            null,
            `${path}.id`,
            `duplicate id ${show(id)} (also complextwin.${name}[${before}])`,
          );
          return;
        }
        seen.set(id, k);
        ids.push(id);
      }
      const r = schema.safeParse(item);
      if (r.success) {
        valid.push(r.data);
        indexOf.push(k);
      } else {
        this.zodIssues(null, path, r.error);
        // Later references to this id are not reported again: the item itself is.
        if (id !== null) invalidIds.add(id);
      }
    });
    return { declared: raw !== undefined, valid, indexOf, ids, invalidIds };
  }

  private segmentFeature(
    i: number,
    coordinates: unknown,
    props: Record<string, unknown>,
  ): SegIn | null {
    const c = LineStringCoordinatesSchema.safeParse(coordinates);
    const p = SegmentPropertiesSchema.safeParse(props);
    if (!c.success) this.zodIssues(i, 'geometry.coordinates', c.error);
    if (!p.success) this.zodIssues(i, 'properties', p.error);
    const d = props['diameter_mm'];
    const w = props['wall_mm'];
    let fits = true;
    if (typeof d === 'number' && typeof w === 'number' && w * 2 >= d) {
      this.add(
        i,
        'properties.wall_mm',
        `a wall of ${w} mm does not fit a pipe of ${d} mm outside diameter (it must be less than half)`,
      );
      fits = false;
    }
    if (!c.success || !p.success || !fits) return null;
    const z = Z_BY_PLACEMENT[p.data.placement];
    const path = c.data.map((q): Vec3 => [q[0]!, q[1]!, q[2] ?? z]);
    if (polylineLength(path) === 0) {
      this.add(i, 'geometry.coordinates', 'the segment has zero length');
      return null;
    }
    const has3d: [boolean, boolean] = [
      c.data[0]!.length === 3,
      c.data[c.data.length - 1]!.length === 3,
    ];
    return { feature: i, p: p.data, path, has3d, from: -1, to: -1 };
  }

  private equipmentFeature(
    i: number,
    coordinates: unknown,
    props: Record<string, unknown>,
  ): EquipIn | null {
    const c = PositionSchema.safeParse(coordinates);
    const p = EquipmentPropertiesSchema.safeParse(props);
    if (!c.success) this.zodIssues(i, 'geometry.coordinates', c.error);
    if (!p.success) this.zodIssues(i, 'properties', p.error);
    if (!c.success || !p.success) return null;
    const at: Vec3 = [c.data[0]!, c.data[1]!, c.data[2] ?? 0];
    return { feature: i, p: p.data, at, has3d: c.data.length === 3 };
  }

  private sensorFeature(
    i: number,
    coordinates: unknown,
    props: Record<string, unknown>,
  ): SensorIn | null {
    const c = PositionSchema.safeParse(coordinates);
    const p = SensorPropertiesSchema.safeParse(props);
    if (!c.success) this.zodIssues(i, 'geometry.coordinates', c.error);
    if (!p.success) this.zodIssues(i, 'properties', p.error);
    if (!c.success || !p.success) return null;
    return { feature: i, p: p.data, at: [c.data[0]!, c.data[1]!, c.data[2] ?? 0] };
  }

  /** Reports every feature after the first that repeats a key; returns the repeats. */
  private duplicates<T extends { feature: number }>(
    items: readonly T[],
    key: (item: T) => string,
    what: string,
    path: string,
    shown: (item: T) => string = key,
  ): Set<T> {
    const first = new Map<string, T>();
    const repeats = new Set<T>();
    for (const item of items) {
      const k = key(item);
      const before = first.get(k);
      if (!before) {
        first.set(k, item);
        continue;
      }
      repeats.add(item);
      const scope = what === 'tag' ? ' in the same company' : '';
      this.add(
        item.feature,
        path,
        `duplicate ${what} ${show(shown(item))}${scope} (also feature ${before.feature})`,
      );
    }
    return repeats;
  }

  /** Files in longitude and latitude instead of site metres span less than a unit. */
  private looksLikeDegrees(segs: readonly SegIn[]): void {
    if (segs.length < 2) return;
    const b = boundsOf(segs.flatMap((s) => s.path));
    const small = b.max[0] - b.min[0] < 1 && b.max[1] - b.min[1] < 1;
    if (small && Math.abs(b.min[0]) <= 180 && Math.abs(b.min[1]) <= 90) {
      this.add(
        null,
        'features',
        `all segments lie within 1 m of (${b.min[0]}, ${b.min[1]}): the coordinates look like longitude and latitude; give site metres east and north of the site origin`,
      );
    }
  }

  /** Orders one line's segments from its inlet; reports branches, gaps and loops. */
  private chain(lineId: string, group: SegIn[], snapper: Snapper, snapM: number): SegIn[] | null {
    const valid = group.filter((s) => s.from !== s.to);
    if (valid.length !== group.length) return null;
    const starting = new Map<number, SegIn>();
    const ending = new Map<number, SegIn>();
    let ok = true;
    for (const s of valid) {
      const a = starting.get(s.from);
      if (a) {
        this.add(
          s.feature,
          'geometry.coordinates[0]',
          `line ${show(lineId)} branches at ${at(snapper.position(s.from))}: segments ${show(a.p.id)} and ${show(s.p.id)} both start there; a line is one unbranched run, so start a new line at a branch`,
        );
        ok = false;
      } else starting.set(s.from, s);
      const b = ending.get(s.to);
      if (b) {
        this.add(
          s.feature,
          `geometry.coordinates[${s.path.length - 1}]`,
          `line ${show(lineId)}: segments ${show(b.p.id)} and ${show(s.p.id)} both end at ${at(snapper.position(s.to))}; draw every segment in the direction of flow (one may be drawn backwards), and do not join two branches into one line`,
        );
        ok = false;
      } else ending.set(s.to, s);
    }
    if (!ok) return null;
    const starts = valid.filter((s) => !ending.has(s.from));
    if (starts.length === 0) {
      this.add(
        valid[0]!.feature,
        'geometry.coordinates',
        `line ${show(lineId)} is a closed loop; a line runs from an inlet to an outlet`,
      );
      return null;
    }
    const pieces = starts.map((start) => {
      const piece: SegIn[] = [];
      for (let s: SegIn | undefined = start; s; s = starting.get(s.to)) piece.push(s);
      return piece;
    });
    const reached = pieces.reduce((n, p) => n + p.length, 0);
    if (reached < valid.length) {
      const inLoop = valid.find((s) => !pieces.some((p) => p.includes(s)))!;
      this.add(
        inLoop.feature,
        'geometry.coordinates',
        `line ${show(lineId)} has a closed loop apart from its run from inlet to outlet`,
      );
      return null;
    }
    if (pieces.length > 1) {
      let best = { gap: Infinity, end: pieces[0]![0]!, start: pieces[1]![0]! };
      for (const p of pieces) {
        const end = p[p.length - 1]!;
        for (const q of pieces) {
          if (q === p) continue;
          const start = q[0]!;
          const e = snapper.position(end.to);
          const s = snapper.position(start.from);
          const gap = Math.hypot(e[0] - s[0], e[1] - s[1], e[2] - s[2]);
          if (gap < best.gap) best = { gap, end, start };
        }
      }
      this.add(
        best.start.feature,
        'geometry.coordinates[0]',
        `line ${show(lineId)} does not connect: its segments fall into ${pieces.length} separate runs; the nearest gap is ${best.gap.toFixed(2)} m between the end of segment ${show(best.end.p.id)} at ${at(snapper.position(best.end.to))} and the start of segment ${show(best.start.p.id)} at ${at(snapper.position(best.start.from))} (ends closer than ${snapM} m are joined)`,
      );
      return null;
    }
    return pieces[0]!;
  }

  private build(b: {
    decl: z.infer<typeof ComplexTwinMemberSchema> & object;
    areas: Area[];
    defaultArea: () => string;
    ensureArea: (id: string, feature: number | null, path: string) => string;
    companies: Map<string, Company>;
    plots: Map<string, Vec2[]>;
    lineDecls: Map<string, LineDecl>;
    ordered: Map<string, SegIn[]>;
    equips: EquipIn[];
    sensorsIn: SensorIn[];
    devicesDecl: DeviceDecl[];
    snapper: Snapper;
    snapM: number;
  }): PlantModel {
    const { companies, snapper } = b;
    const nodeCompany = new Map<number, string>();
    const nodeDegree = new Map<number, number>();
    const lines: Line[] = [];
    const segments: Segment[] = [];
    const segmentsByLine = new Map<string, Segment[]>();
    for (const [lineId, chain] of b.ordered) {
      const first = chain[0]!;
      const d = b.lineDecls.get(lineId);
      const company = companies.get(first.p.company)!;
      const substance = substanceById(first.p.substance);
      const bore = (first.p.diameter_mm - 2 * first.p.wall_mm) / 1000;
      // Undeclared flow: the bore at 2 m/s for liquids, 15 m/s for gases and steam.
      const velocity = substance.phase === 'liquid' || substance.phase === 'liquefied_gas' ? 2 : 15;
      const line: Line = {
        id: lineId,
        companyId: company.id,
        tag: d?.tag ?? toTagBase(lineId),
        name: d?.name ?? `${substance.name} line ${lineId}`,
        substanceId: first.p.substance,
        areaId: d?.area ? b.ensureArea(d.area, null, 'complextwin.lines') : company.areaId,
        nominalFlowM3h:
          d?.nominal_flow_m3h ??
          Math.round(velocity * (Math.PI / 4) * bore * bore * 3600 * 10) / 10,
        inletPressureKpa: d?.inlet_pressure_kpa ?? first.p.design_pressure_kpa,
        operatingTempC: d?.operating_temp_c ?? first.p.design_temp_c,
      };
      lines.push(line);
      const segs = chain.map((s, order): Segment => {
        for (const n of [s.from, s.to]) {
          if (!nodeCompany.has(n)) nodeCompany.set(n, s.p.company);
          nodeDegree.set(n, (nodeDegree.get(n) ?? 0) + 1);
        }
        // The path runs exactly from node to node, so ends snapped together coincide.
        const path = s.path.map((q): Vec3 => [q[0], q[1], q[2]]);
        path[0] = [...snapper.position(s.from)];
        path[path.length - 1] = [...snapper.position(s.to)];
        const stainless = s.p.material === 'stainless_304' || s.p.material === 'stainless_316';
        return {
          id: s.p.id,
          companyId: s.p.company,
          lineId,
          order,
          fromNodeId: '',
          toNodeId: '',
          path,
          lengthM: polylineLength(path),
          diameterMm: s.p.diameter_mm,
          wallMm: s.p.wall_mm,
          corrosionAllowanceMm: s.p.corrosion_allowance_mm ?? (stainless ? 0 : 1.6),
          material: s.p.material,
          installYear: s.p.install_year,
          substanceId: s.p.substance,
          designPressureKpa: s.p.design_pressure_kpa,
          designTempC: s.p.design_temp_c,
          pipingClass: s.p.piping_class ?? substance.pipingClass,
          placement: s.p.placement,
          areaId: s.p.area ? b.ensureArea(s.p.area, s.feature, 'properties.area') : line.areaId,
        };
      });
      segments.push(...segs);
      segmentsByLine.set(lineId, segs);
    }

    // Node ids count per company in the order the lines reach them.
    const nodeIds = new Map<number, string>();
    const perCompany = new Map<string, number>();
    const nodes: PlantNode[] = [];
    for (const [n, companyId] of nodeCompany) {
      const k = (perCompany.get(companyId) ?? 0) + 1;
      perCompany.set(companyId, k);
      const id = `${companyId}-n${String(k).padStart(4, '0')}`;
      nodeIds.set(n, id);
      nodes.push({
        id,
        companyId,
        kind: nodeDegree.get(n) === 1 ? 'terminal' : 'junction',
        position: [...snapper.position(n)],
      });
    }
    for (const [lineId, chain] of b.ordered) {
      const segs = segmentsByLine.get(lineId)!;
      chain.forEach((s, k) => {
        segs[k]!.fromNodeId = nodeIds.get(s.from)!;
        segs[k]!.toNodeId = nodeIds.get(s.to)!;
      });
    }
    const nodeById = new Map(nodes.map((n) => [n.id, n]));
    const linesAtNode = new Map<string, Set<string>>();
    for (const s of segments) {
      for (const n of [s.fromNodeId, s.toNodeId]) {
        const set = linesAtNode.get(n) ?? new Set<string>();
        set.add(s.lineId);
        linesAtNode.set(n, set);
      }
    }
    const lineById = new Map(lines.map((l) => [l.id, l]));

    const equipment: Equipment[] = [];
    const kindsAt = new Map<string, Set<string>>();
    for (const e of b.equips) {
      const near = snapper.nearest(e.at, b.snapM);
      const nodeId = near === null ? null : (nodeIds.get(near) ?? null);
      const onLines = nodeId ? [...(linesAtNode.get(nodeId) ?? [])] : [];
      const lineId = e.p.line ?? (onLines.length === 1 ? onLines[0]! : null);
      if (nodeId && e.p.line !== undefined && !onLines.includes(e.p.line)) {
        this.add(
          e.feature,
          'properties.line',
          `sits on a node of line${onLines.length === 1 ? '' : 's'} ${onLines.map((l) => show(l)).join(', ')}, not of line ${show(e.p.line)}`,
        );
      }
      const company = companies.get(e.p.company)!;
      const rotating = e.p.kind === 'pump' || e.p.kind === 'compressor';
      const item: Equipment = {
        id: e.p.id,
        companyId: company.id,
        kind: e.p.kind,
        tag: e.p.tag,
        name: e.p.name ?? e.p.tag,
        // A 2D point on a node takes the node's height.
        position: near !== null && !e.has3d ? [e.at[0], e.at[1], snapper.position(near)[2]] : e.at,
        areaId: e.p.area
          ? b.ensureArea(e.p.area, e.feature, 'properties.area')
          : ((lineId ? lineById.get(lineId)?.areaId : undefined) ?? company.areaId),
        lineId,
        nodeId,
      };
      if (rotating) {
        if (e.p.rated_kw !== undefined) item.ratedKw = e.p.rated_kw;
        if (e.p.speed_rpm !== undefined) item.speedRpm = e.p.speed_rpm;
        // source: rotating-equipment.md §4.1 (ISO 10816-3: group 1 above 300 kW, group 2 below)
        const group =
          e.p.machine_group ??
          (e.p.rated_kw === undefined ? undefined : e.p.rated_kw > 300 ? 1 : 2);
        if (group !== undefined) item.machineGroup = group;
        item.foundation = e.p.foundation ?? 'rigid';
      }
      if (e.p.kind === 'valve') item.isolation = e.p.isolation ?? false;
      if (e.p.kind === 'tank' && e.p.capacity_m3 !== undefined) item.capacityM3 = e.p.capacity_m3;
      equipment.push(item);
      if (nodeId) {
        const set = kindsAt.get(nodeId) ?? new Set<string>();
        set.add(e.p.kind);
        kindsAt.set(nodeId, set);
      }
    }
    for (const [nodeId, kinds] of kindsAt) {
      const node = nodeById.get(nodeId)!;
      const kind: NodeKind = [...kinds].some((k) => k !== 'valve') ? 'equipment' : 'valve';
      node.kind = kind;
    }

    const { devices, sensors } =
      b.sensorsIn.length > 0
        ? this.explicitSensors(
            b.sensorsIn,
            b.devicesDecl,
            companies,
            segments,
            equipment,
            b.ensureArea,
          )
        : this.generatedSensors(lines, segmentsByLine, equipment, companies);

    const companyList = [...companies.values()];
    for (const c of companyList) {
      const plot = b.plots.get(c.id);
      if (plot) c.plot = plot;
      else if (c.plot.length === 0) c.plot = outlineOf(c.id, segments, equipment);
    }
    if (this.issues.length > 0) this.fail();

    const site = b.decl.site ?? {};
    const coastline = (site.coastline ?? []).map((q): Vec2 => [q[0]!, q[1]!]);
    return {
      meta: { source: 'geojson', seed: null, size: null, version: 1 },
      site: {
        id: site.id ?? 'imported',
        name: site.name ?? 'Imported network',
        origin: site.origin ?? { lat: 0, lon: 0 },
        bounds: boundsOf(
          modelPoints({ nodes, segments, equipment, companies: companyList, coastline }),
        ),
        coastline,
      },
      areas: b.areas,
      companies: companyList,
      substances: copySubstances(),
      lines,
      nodes,
      segments,
      equipment,
      devices,
      sensors,
    };
  }

  /** Sensors as the generator places them: one RTU per line, a monitor per machine. */
  private generatedSensors(
    lines: readonly Line[],
    segmentsByLine: ReadonlyMap<string, Segment[]>,
    equipment: readonly Equipment[],
    companies: ReadonlyMap<string, Company>,
  ): { devices: Device[]; sensors: SensorDef[] } {
    const devices: Device[] = [];
    const sensors: SensorDef[] = [];
    const taken = new Set<string>();
    const unique = (id: string): string => {
      let out = id;
      for (let k = 2; taken.has(out); k++) out = `${id}-${k}`;
      taken.add(out);
      return out;
    };
    for (const line of lines) {
      const inst = instrumentLine(
        line,
        segmentsByLine.get(line.id)!,
        toTagBase(line.tag),
        unique(toDeviceId(line.id)),
      );
      for (const d of inst.devices) taken.add(d.id);
      devices.push(...inst.devices);
      sensors.push(...inst.sensors);
    }
    for (const e of equipment) {
      if (e.kind !== 'pump' && e.kind !== 'compressor') continue;
      const inst = instrumentMachine(e, unique(toDeviceId(`${e.id}-cm`)));
      devices.push(...inst.devices);
      sensors.push(...inst.sensors);
    }
    const seen = new Set<string>();
    for (const s of sensors) {
      const key = `${s.companyId}\u0000${s.tag}`;
      if (seen.has(key)) {
        this.add(
          null,
          'features',
          `generated sensor tag ${show(s.tag)} is not unique in company ${show(companies.get(s.companyId)?.id)}; give the lines and equipment distinct tags`,
        );
      }
      seen.add(key);
    }
    return { devices, sensors };
  }

  private explicitSensors(
    input: readonly SensorIn[],
    declared: readonly DeviceDecl[],
    companies: ReadonlyMap<string, Company>,
    segments: readonly Segment[],
    equipment: readonly Equipment[],
    ensureArea: (id: string, feature: number | null, path: string) => string,
  ): { devices: Device[]; sensors: SensorDef[] } {
    const segById = new Map(segments.map((s) => [s.id, s]));
    const eqById = new Map(equipment.map((e) => [e.id, e]));
    const devices = new Map<string, Device>();
    for (const d of declared) {
      devices.set(d.id, {
        id: d.id,
        companyId: d.company,
        kind: d.kind,
        name: d.name ?? d.id,
        areaId: d.area
          ? ensureArea(d.area, null, 'complextwin.devices')
          : (companies.get(d.company)?.areaId ?? ''),
      });
    }
    const counts = new Map<string, number>();
    const sensors: SensorDef[] = [];
    for (const s of input) {
      const seg = s.p.segment !== undefined ? segById.get(s.p.segment) : undefined;
      const eq = s.p.equipment !== undefined ? eqById.get(s.p.equipment) : undefined;
      let device = devices.get(s.p.device);
      if (!device) {
        const kind: DeviceKind =
          s.p.device_kind ??
          (WEATHER.has(s.p.quantity) ? 'weather_station' : eq ? 'condition_monitor' : 'rtu');
        device = {
          id: s.p.device,
          companyId: s.p.company,
          kind,
          name: s.p.device,
          areaId: seg?.areaId ?? eq?.areaId ?? companies.get(s.p.company)!.areaId,
        };
        devices.set(device.id, device);
      }
      if (device.companyId !== s.p.company) {
        this.add(
          s.feature,
          'properties.device',
          `device ${show(device.id)} belongs to company ${show(device.companyId)}, not ${show(s.p.company)}; device ids must be unique in the file`,
        );
      }
      const n = (counts.get(device.id) ?? 0) + 1;
      counts.set(device.id, n);
      if (n === MAX_SENSORS_PER_DEVICE + 1) {
        this.add(
          s.feature,
          'properties.device',
          `device ${show(device.id)} has more than ${MAX_SENSORS_PER_DEVICE} sensors (one telemetry message holds at most ${MAX_SENSORS_PER_DEVICE} readings); split it into several devices`,
        );
      }
      let positionM: number | null = null;
      if (seg) {
        positionM = s.p.position_m ?? project(seg.path, s.at);
        if (positionM > seg.lengthM + 0.5) {
          this.add(
            s.feature,
            'properties.position_m',
            `position ${positionM} m is beyond the end of segment ${show(seg.id)} (${seg.lengthM.toFixed(1)} m long)`,
          );
        }
      }
      sensors.push({
        tag: s.p.tag,
        companyId: s.p.company,
        deviceId: device.id,
        quantity: s.p.quantity,
        unit: s.p.unit ?? UNIT_BY_QUANTITY[s.p.quantity],
        segmentId: seg?.id ?? null,
        equipmentId: eq?.id ?? null,
        positionM,
      });
    }
    return { devices: [...devices.values()], sensors };
  }
}

/** Segment ends are merged into nodes on a grid of cells one tolerance wide. */
class Snapper {
  private readonly cells = new Map<string, number[]>();
  private readonly points: { at: Vec3; has3d: boolean }[] = [];

  constructor(private readonly tol: number) {}

  position(n: number): Vec3 {
    return this.points[n]!.at;
  }

  /** The node this point belongs to, made if none is within the tolerance. */
  node(p: Vec3, has3d: boolean): number {
    const found = this.search(
      p,
      this.tol,
      (q) => !(has3d && q.has3d) || Math.abs(q.at[2] - p[2]) <= this.tol,
    );
    if (found !== null) return found;
    const n = this.points.length;
    this.points.push({ at: [p[0], p[1], p[2]], has3d });
    const key = `${Math.floor(p[0] / this.tol)},${Math.floor(p[1] / this.tol)}`;
    const cell = this.cells.get(key) ?? [];
    cell.push(n);
    this.cells.set(key, cell);
    return n;
  }

  /** The nearest node within `radius` in plan, or null. */
  nearest(p: Vec3, radius: number): number | null {
    return this.search(p, radius, () => true);
  }

  private search(
    p: Vec3,
    radius: number,
    accept: (q: { at: Vec3; has3d: boolean }) => boolean,
  ): number | null {
    const cx = Math.floor(p[0] / this.tol);
    const cy = Math.floor(p[1] / this.tol);
    const reach = Math.ceil(radius / this.tol);
    let best: number | null = null;
    let bestD = Infinity;
    for (let dx = -reach; dx <= reach; dx++) {
      for (let dy = -reach; dy <= reach; dy++) {
        for (const n of this.cells.get(`${cx + dx},${cy + dy}`) ?? []) {
          const q = this.points[n]!;
          const d = Math.hypot(q.at[0] - p[0], q.at[1] - p[1]);
          if (d <= radius && d < bestD && accept(q)) {
            best = n;
            bestD = d;
          }
        }
      }
    }
    return best;
  }
}

/** Distance along a path to the point nearest `p`, metres. */
function project(path: readonly Vec3[], p: Vec3): number {
  let best = 0;
  let bestD = Infinity;
  let at = 0;
  for (let i = 1; i < path.length; i++) {
    const a = path[i - 1]!;
    const b = path[i]!;
    const leg = Math.hypot(b[0] - a[0], b[1] - a[1], b[2] - a[2]);
    const t =
      leg === 0
        ? 0
        : Math.min(
            1,
            Math.max(
              0,
              ((p[0] - a[0]) * (b[0] - a[0]) +
                (p[1] - a[1]) * (b[1] - a[1]) +
                (p[2] - a[2]) * (b[2] - a[2])) /
                (leg * leg),
            ),
          );
    const q = pointAlong([a, b], t * leg);
    const d = Math.hypot(q[0] - p[0], q[1] - p[1], q[2] - p[2]);
    if (d < bestD) {
      bestD = d;
      best = at + t * leg;
    }
    at += leg;
  }
  return Math.round(best * 100) / 100;
}

/** A rectangle 10 m round a company's pipes and equipment, for a company without a plot. */
function outlineOf(
  companyId: string,
  segments: readonly Segment[],
  equipment: readonly Equipment[],
): Vec2[] {
  const pts = [
    ...segments.filter((s) => s.companyId === companyId).flatMap((s) => s.path),
    ...equipment.filter((e) => e.companyId === companyId).map((e) => e.position),
  ];
  if (pts.length === 0) return [];
  const { min, max } = boundsOf(pts);
  const [x0, y0, x1, y1] = [min[0] - 10, min[1] - 10, max[0] + 10, max[1] + 10];
  return [
    [x0, y0],
    [x1, y0],
    [x1, y1],
    [x0, y1],
  ];
}

/** Three to five capital letters from an id, unique among `taken`. */
function shortNameFrom(id: string, taken: Set<string>): string {
  const letters = id.toUpperCase().replace(/[^A-Z]/g, '');
  const base = (letters + 'XXX').slice(0, 3);
  const candidates = [base, letters.slice(0, 4), letters.slice(0, 5)];
  for (const c of candidates) {
    if (/^[A-Z]{3,5}$/.test(c) && !taken.has(c)) {
      taken.add(c);
      return c;
    }
  }
  for (let k = 0; ; k++) {
    const c =
      base +
      String.fromCharCode(65 + (k % 26)) +
      (k >= 26 ? String.fromCharCode(65 + (Math.floor(k / 26) % 26)) : '');
    if (!taken.has(c)) {
      taken.add(c);
      return c;
    }
  }
}

function at(p: Vec3): string {
  return `(${round1(p[0])}, ${round1(p[1])})`;
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

function list(ids: readonly string[]): string {
  if (ids.length === 0) return '(none)';
  const shown = ids.slice(0, 12).join(', ');
  return ids.length > 12 ? `${shown} and ${ids.length - 12} more` : shown;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
