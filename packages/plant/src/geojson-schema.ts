import { z } from 'zod';
import type { DeviceKind, EquipmentKind, Material, Placement, Quantity } from './model';
import { SENSOR_TAG_PATTERN, TOPIC_ID_PATTERN, UNIT_BY_QUANTITY } from './instrumentation';
import { SUBSTANCE_IDS } from './substances';

// The GeoJSON property schema of docs/plant-geojson.md. Error messages are written for a GIS team:
// they say what was expected and what was found.

/** How a value found in the file is quoted in an error message. */
export function show(v: unknown): string {
  if (v === undefined) return 'nothing (the property is missing)';
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `an array of ${v.length}`;
  return 'an object';
}

type Iss = { input?: unknown };

/** A number in [min, max] whose error message says so and shows what was found. */
export function num(min: number, max: number) {
  const error = (iss: Iss): string =>
    `expected a number between ${min} and ${max}, got ${show(iss.input)}`;
  return z.number({ error }).min(min, { error }).max(max, { error });
}

function int(min: number, max: number) {
  const error = (iss: Iss): string =>
    `expected a whole number between ${min} and ${max}, got ${show(iss.input)}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

function text(max = 100) {
  const error = (iss: Iss): string =>
    `expected a text of 1 to ${max} characters, got ${show(iss.input)}`;
  return z.string({ error }).min(1, { error }).max(max, { error });
}

const topicId = z
  .string({ error: (iss) => `expected an id, got ${show(iss.input)}` })
  .regex(TOPIC_ID_PATTERN, {
    error: (iss) =>
      `expected letters, digits, "-" and "_" (1 to 64, starting with a letter or digit), got ${show(iss.input)}`,
  });

// Generated sensor tags append up to 10 characters ("-PDIS", "-PT-01") to a tag.
const tag = (max: number) =>
  z
    .string({ error: (iss) => `expected a tag, got ${show(iss.input)}` })
    .max(max, {
      error: (iss) => `expected a tag of at most ${max} characters, got ${show(iss.input)}`,
    })
    .regex(SENSOR_TAG_PATTERN, {
      error: (iss) =>
        `expected letters, digits and _ . : - (starting with a letter or digit), got ${show(iss.input)}`,
    });

function oneOf<const T extends readonly [string, ...string[]]>(values: T, what: string) {
  return z.enum(values, {
    error: (iss) =>
      iss.input === undefined
        ? `missing ${what}; allowed: ${values.join(', ')}`
        : `unknown ${what} ${show(iss.input)}; allowed: ${values.join(', ')}`,
  });
}

const coordinate = z.number({
  error: (iss) => `expected a finite number (site metres), got ${show(iss.input)}`,
});

/** [x, y] or [x, y, z] in site metres. */
export const PositionSchema = z
  .array(coordinate, {
    error: (iss) => `expected a position [x, y] or [x, y, z], got ${show(iss.input)}`,
  })
  .min(2, { error: positionLength })
  .max(3, { error: positionLength });

function positionLength(iss: Iss): string {
  const n = Array.isArray(iss.input) ? iss.input.length : 0;
  return `a position is [x, y] or [x, y, z] in site metres, got ${n} number${n === 1 ? '' : 's'}`;
}

export const LineStringCoordinatesSchema = z
  .array(PositionSchema, {
    error: (iss) => `expected an array of positions, got ${show(iss.input)}`,
  })
  .min(2, {
    error: (iss) =>
      `a LineString needs at least 2 points, got ${Array.isArray(iss.input) ? iss.input.length : 0}`,
  });

export const PolygonCoordinatesSchema = z
  .array(z.array(PositionSchema).min(4, { error: 'a polygon ring needs at least 4 positions' }), {
    error: (iss) => `expected an array of rings, got ${show(iss.input)}`,
  })
  .min(1, { error: 'a polygon needs an outer ring' });

export const MATERIALS = [
  'carbon_steel',
  'stainless_304',
  'stainless_316',
  'low_alloy_steel',
] as const satisfies readonly Material[];
export const PLACEMENTS = ['rack', 'buried', 'sleeper'] as const satisfies readonly Placement[];
export const EQUIPMENT_KINDS = [
  'pump',
  'compressor',
  'valve',
  'tank',
] as const satisfies readonly EquipmentKind[];
export const DEVICE_KINDS = [
  'rtu',
  'condition_monitor',
  'weather_station',
  'test_rig',
] as const satisfies readonly DeviceKind[];
const QUANTITIES = Object.keys(UNIT_BY_QUANTITY) as [Quantity, ...Quantity[]];

const pipingClass = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)], {
  error: (iss) => `expected an API 570 piping class 1, 2, 3 or 4, got ${show(iss.input)}`,
});

export const SegmentPropertiesSchema = z.object({
  id: text(),
  line: text(),
  company: topicId,
  substance: oneOf(SUBSTANCE_IDS, 'substance'),
  diameter_mm: num(10, 2000),
  wall_mm: num(0.5, 100),
  material: oneOf(MATERIALS, 'material'),
  install_year: int(1900, 2100),
  design_pressure_kpa: num(-101, 100000),
  design_temp_c: num(-273, 1000),
  placement: oneOf(PLACEMENTS, 'placement'),
  piping_class: pipingClass.optional(),
  corrosion_allowance_mm: num(0, 25).optional(),
  area: text().optional(),
});
export type SegmentProperties = z.infer<typeof SegmentPropertiesSchema>;

export const EquipmentPropertiesSchema = z.object({
  kind: oneOf(EQUIPMENT_KINDS, 'kind'),
  id: text(),
  tag: tag(70),
  company: topicId,
  name: text(200).optional(),
  line: text().optional(),
  area: text().optional(),
  rated_kw: num(0.1, 100000).optional(),
  speed_rpm: num(1, 100000).optional(),
  machine_group: z
    .union([z.literal(1), z.literal(2)], {
      error: (iss) => `expected ISO 10816-3 machine group 1 or 2, got ${show(iss.input)}`,
    })
    .optional(),
  foundation: oneOf(['rigid', 'flexible'], 'foundation').optional(),
  isolation: z
    .boolean({ error: (iss) => `expected true or false, got ${show(iss.input)}` })
    .optional(),
  capacity_m3: num(0.1, 10000000).optional(),
});
export type EquipmentProperties = z.infer<typeof EquipmentPropertiesSchema>;

export const SensorPropertiesSchema = z.object({
  kind: z.literal('sensor'),
  tag: tag(80),
  company: topicId,
  device: topicId,
  device_kind: oneOf(DEVICE_KINDS, 'device kind').optional(),
  quantity: oneOf(QUANTITIES, 'quantity'),
  unit: text(20).optional(),
  segment: text().optional(),
  equipment: text().optional(),
  position_m: num(0, 1000000).optional(),
});
export type SensorProperties = z.infer<typeof SensorPropertiesSchema>;

export const PlotPropertiesSchema = z.object({
  kind: z.literal('plot'),
  company: topicId,
});

export const AreaDeclSchema = z.object({ id: text(), name: text(200) });

export const CompanyDeclSchema = z.object({
  id: topicId,
  name: text(200),
  short_name: z
    .string({ error: (iss) => `expected 3 to 5 capital letters, got ${show(iss.input)}` })
    .regex(/^[A-Z]{3,5}$/, {
      error: (iss) => `expected 3 to 5 capital letters, got ${show(iss.input)}`,
    }),
  area: text().optional(),
  plot: z
    .array(PositionSchema)
    .min(3, { error: 'a plot outline needs at least 3 positions' })
    .optional(),
});
export type CompanyDecl = z.infer<typeof CompanyDeclSchema>;

export const LineDeclSchema = z.object({
  id: text(),
  company: topicId,
  substance: oneOf(SUBSTANCE_IDS, 'substance'),
  tag: tag(70).optional(),
  name: text(200).optional(),
  area: text().optional(),
  nominal_flow_m3h: num(0, 1000000).optional(),
  inlet_pressure_kpa: num(-101, 100000).optional(),
  operating_temp_c: num(-273, 1000).optional(),
});
export type LineDecl = z.infer<typeof LineDeclSchema>;

export const DeviceDeclSchema = z.object({
  id: topicId,
  company: topicId,
  kind: oneOf(DEVICE_KINDS, 'device kind'),
  name: text(200).optional(),
  area: text().optional(),
});
export type DeviceDecl = z.infer<typeof DeviceDeclSchema>;

const list = z.array(z.unknown(), { error: (iss) => `expected an array, got ${show(iss.input)}` });

/** The `complextwin` member of the FeatureCollection; its lists are checked item by item. */
export const ComplexTwinMemberSchema = z.object(
  {
    version: z
      .literal(1, { error: (iss) => `expected schema version 1, got ${show(iss.input)}` })
      .optional(),
    site: z
      .object({
        id: topicId.optional(),
        name: text(200).optional(),
        origin: z.object({ lat: num(-90, 90), lon: num(-180, 180) }).optional(),
        coastline: z.array(PositionSchema).optional(),
      })
      .optional(),
    snap_tolerance_m: num(0.001, 10).optional(),
    areas: list.optional(),
    companies: list.optional(),
    lines: list.optional(),
    devices: list.optional(),
  },
  { error: (iss) => `expected an object, got ${show(iss.input)}` },
);
