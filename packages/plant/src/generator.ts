import type {
  Area,
  Company,
  Device,
  Placement,
  PlantModel,
  PlantSize,
  SensorDef,
  SubstanceId,
  Vec2,
  Vec3,
} from './model';
import {
  COLD_ETHYLENE,
  HOT_HYDROGEN,
  HP_STEAM,
  LP_STEAM,
  NAME_PREFIXES,
  ROLE_SEQUENCE,
  ROLE_WEIGHTS,
  ROLES,
  SERVICES,
  type Role,
  type RoleSpec,
  type Service,
} from './company-roles';
import { boundsOf, modelPoints, polylineLength } from './geometry';
import { UNIT_BY_QUANTITY } from './instrumentation';
import { NetworkBuilder, PRESENT_YEAR, type Cut } from './line-builder';
import { Rng } from './random';
import {
  JETTY_HEAD_Y,
  RACK_SLOTS,
  buildLayout,
  coastCrossing,
  manhattanPath,
  plotRoute,
  rectCorners,
  rectCrossings,
  roadRoute,
  unitGrid,
  type Block,
  type Layout,
  type LayoutSpec,
  type PlotRouteKind,
} from './site-layout';
import { copySubstances, substanceById } from './substances';

export interface GeneratePlantOptions {
  /** Any finite number; the same seed and size give the same complex. */
  seed: number;
  size: PlantSize;
}

/** Bumped whenever the generator's output changes for the same seed and size. */
export const GENERATOR_VERSION = 1;

interface SizeSpec extends LayoutSpec {
  /** Companies besides the complex operator. */
  companies: number;
  targetSegments: number;
  /** Share of the segment budget that lines between companies may take. */
  interShare: number;
  areaCols: number;
  areaRows: number;
}

const SIZE_SPECS: Readonly<Record<PlantSize, SizeSpec>> = {
  small: {
    cols: 5,
    rows: 3,
    blockW: 560,
    blockH: 520,
    companies: 12,
    targetSegments: 300,
    interShare: 0.5,
    areaCols: 2,
    areaRows: 2,
  },
  default: {
    cols: 6,
    rows: 3,
    blockW: 1000,
    blockH: 1150,
    companies: 16,
    targetSegments: 4820,
    interShare: 0.45,
    areaCols: 5,
    areaRows: 1,
  },
  large: {
    cols: 15,
    rows: 10,
    blockW: 1000,
    blockH: 1050,
    companies: 140,
    targetSegments: 98000,
    interShare: 0.4,
    areaCols: 6,
    areaRows: 4,
  },
};

const OPERATOR_ID = 'complex-ops';
const OPERATOR: RoleSpec = {
  suffixes: ['Complex Operations'],
  produces: ['water'],
  consumes: [],
  internal: ['water'],
  units: ['Control centre', 'Water intake', 'Fire water pumps', 'Raw water reservoir'],
};

/** Inter-company demands are met in this order, so a small budget still carries products. */
const PRIORITY: readonly SubstanceId[] = [
  'naphtha',
  'ethylene',
  'propylene',
  'chlorine',
  'benzene',
  'ammonia',
  'lpg',
  'hydrogen',
  'steam',
  'water',
];

// source: domain knowledge [M]: storage tank sizes, m3 (floating-roof naphtha, LPG spheres...)
const TANK_M3: Partial<Record<SubstanceId, readonly [number, number]>> = {
  naphtha: [30000, 80000],
  benzene: [10000, 20000],
  lpg: [3000, 5000],
  propylene: [2000, 4000],
  ammonia: [2000, 4000],
  chlorine: [100, 300],
  hydrogen_fluoride: [50, 200],
  water: [2000, 10000],
};

// source: domain knowledge [M]: jetty transfer rates, m3/h
const JETTY_FLOW_M3H: Partial<Record<SubstanceId, readonly [number, number]>> = {
  naphtha: [1500, 3000],
  lpg: [800, 2000],
  ammonia: [500, 1200],
  benzene: [500, 1200],
};

interface Unit {
  name: string;
  at: Vec2;
  uses: number;
}

interface Ctx {
  company: Company;
  role: Role | 'operator';
  spec: RoleSpec;
  block: Block;
  units: Unit[];
  founded: number;
  lineCount: number;
  slotCount: number;
}

/**
 * A synthetic coastal petrochemical complex, deterministic for a seed: companies on plots between
 * roads, pipe racks beside the roads, lines between and inside plots, equipment, devices and
 * sensors. Coordinates are site metres from the south-west corner, sea to the south.
 */
export function generatePlant(options: GeneratePlantOptions): PlantModel {
  const { seed, size } = options;
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  const spec = SIZE_SPECS[size];
  if (!spec) throw new RangeError(`size must be small, default or large, got ${String(size)}`);
  const rng = new Rng(seed);
  const layout = buildLayout(spec, rng);
  const { ctxs, areas } = placeCompanies(spec, layout, rng);
  const builder = new NetworkBuilder(rng);
  const used = new Set<SubstanceId>();
  let interSlots = 0;

  const lay = (
    owner: Ctx,
    substanceId: SubstanceId,
    service: Service,
    waypoints: Vec2[],
    opts: {
      name: string;
      placement: Placement;
      rackZ: number;
      cuts: (path: Vec3[]) => Cut[];
      spacingM: readonly [number, number];
      flowM3h: number;
      installYear: number;
      areaId: string;
      inletTankM3?: number | null;
      outletTankM3?: number | null;
    },
  ): number => {
    const z = opts.placement === 'rack' ? opts.rackZ : opts.placement === 'buried' ? -1.5 : 0.5;
    const path = manhattanPath(waypoints, z);
    if (polylineLength(path) < 120) return 0;
    const lineNo = owner.lineCount + 1;
    const n = builder.addLine({
      companyId: owner.company.id,
      shortName: owner.company.shortName,
      lineNo,
      areaId: opts.areaId,
      substanceId,
      service,
      name: opts.name,
      path,
      cuts: opts.cuts(path),
      spacingM: opts.spacingM,
      placement: opts.placement,
      flowM3h: opts.flowM3h,
      installYear: Math.min(PRESENT_YEAR, opts.installYear),
      inletTankM3: opts.inletTankM3 ?? null,
      outletTankM3: opts.outletTankM3 ?? null,
    });
    if (n > 0) {
      owner.lineCount = lineNo;
      used.add(substanceId);
    }
    return n;
  };

  const tankM3 = (s: SubstanceId): number | null => {
    const range = TANK_M3[s];
    return range ? Math.round(rng.range(range[0], range[1]) / 100) * 100 : null;
  };
  const rackZ = (slot: number): number => 6 + 2 * (Math.floor(slot / RACK_SLOTS) % 4);

  // Jetty lines: ships unload naphtha, LPG and ammonia into the tank farm and load benzene.
  for (const t of ctxs.filter((c) => c.role === 'terminal' && c.block.row === 0)) {
    const jettyX = Math.round((t.block.plot.x0 + t.block.plot.x1) / 2);
    (['naphtha', 'lpg', 'ammonia', 'benzene'] as const).forEach((s, k) => {
      const head: Vec2 = [jettyX + 3 * k, JETTY_HEAD_Y];
      const unit = pickUnit(t, rng);
      const tankAt = endpoint(unit);
      const exporting = s === 'benzene';
      const flow = JETTY_FLOW_M3H[s]!;
      lay(
        t,
        s,
        SERVICES[s],
        exporting ? [tankAt, [head[0], tankAt[1]], head] : [head, [head[0], tankAt[1]], tankAt],
        {
          name: `${substanceById(s).name} ${exporting ? 'loading to' : 'unloading from'} jetty`,
          // The jetty trestle carries its lines at the lowest rack tier.
          placement: 'rack',
          rackZ: 6,
          cuts: (path) => {
            const cuts: Cut[] = rectCrossings(path, t.block.plot).map((atM) => ({
              atM,
              kind: 'boundary',
            }));
            const shore = coastCrossing(path, layout.coastline);
            if (shore !== null) cuts.push({ atM: shore, kind: 'shore' });
            return cuts;
          },
          spacingM: [80, 160],
          flowM3h: rng.logRange(flow[0], flow[1]),
          installYear: t.founded + Math.floor(rng.next() ** 2 * 10),
          areaId: t.company.areaId,
          inletTankM3: exporting ? tankM3(s) : null,
          outletTankM3: exporting ? null : tankM3(s),
        },
      );
    });
  }

  // Lines between companies, owned by the producer; the operator's water lines count for the
  // area they serve, so every area's detector shard holds both ends of its pipes.
  const operator = ctxs.find((c) => c.role === 'operator')!;
  const demands: { consumer: Ctx; substance: SubstanceId }[] = [];
  for (const c of ctxs)
    for (const s of c.spec.consumes) demands.push({ consumer: c, substance: s });
  const ordered = rng
    .shuffle(demands)
    .sort((a, b) => PRIORITY.indexOf(a.substance) - PRIORITY.indexOf(b.substance));
  const interBudget = spec.targetSegments * spec.interShare;
  for (const { consumer, substance } of ordered) {
    if (builder.segments.length >= interBudget) break;
    const producers = ctxs.filter((c) => c !== consumer && c.spec.produces.includes(substance));
    if (producers.length === 0) continue;
    const byDistance = producers
      .map((p) => ({ p, d: blockDistance(p.block, consumer.block) }))
      .sort((a, b) => a.d - b.d);
    const producer =
      byDistance.length > 1 && rng.chance(0.25) ? byDistance[1]!.p : byDistance[0]!.p;
    const service = variant(SERVICES[substance], substance, 'inter', producer.role, rng);
    const slot = interSlots++;
    const from = endpoint(pickUnit(producer, rng));
    const to = endpoint(pickUnit(consumer, rng));
    const placement: Placement =
      substance === 'water'
        ? rng.chance(0.55)
          ? 'buried'
          : 'rack'
        : substance === 'steam'
          ? 'rack'
          : rng.weighted<Placement>([
              ['rack', 0.8],
              ['buried', 0.12],
              ['sleeper', 0.08],
            ]);
    lay(
      producer,
      substance,
      service,
      roadRoute(
        layout,
        { at: from, block: producer.block },
        { at: to, block: consumer.block },
        slot % RACK_SLOTS,
      ),
      {
        name: `${substanceById(substance).name} to ${consumer.company.name}`,
        placement,
        rackZ: rackZ(slot),
        cuts: (path) =>
          [
            ...rectCrossings(path, producer.block.plot),
            ...rectCrossings(path, consumer.block.plot),
          ].map((atM): Cut => ({ atM, kind: 'boundary' })),
        spacingM: [80, 180],
        flowM3h: rng.logRange(service.interFlowM3h[0], service.interFlowM3h[1]),
        installYear: Math.max(producer.founded, consumer.founded) + Math.floor(rng.next() ** 2 * 8),
        areaId: producer === operator ? consumer.company.areaId : producer.company.areaId,
        inletTankM3: producer.role === 'terminal' ? tankM3(substance) : null,
      },
    );
  }

  // Lines inside plots fill the rest of the budget; substances not yet used go first.
  const weights = ctxs.map((c) => [c, c.units.length] as const);
  let failures = 0;
  while (builder.segments.length < spec.targetSegments && failures < 1000) {
    const lacking = ctxs.filter((c) => c.spec.internal.some((s) => !used.has(s)));
    const ctx = lacking.length > 0 ? rng.pick(lacking) : rng.weighted(weights);
    const fresh = ctx.spec.internal.filter((s) => !used.has(s));
    const substance = fresh.length > 0 ? fresh[0]! : rng.pick(ctx.spec.internal);
    const service = variant(SERVICES[substance], substance, 'intra', ctx.role, rng);
    const a = pickUnit(ctx, rng);
    let b = pickUnit(ctx, rng);
    for (let tries = 0; b === a && tries < 5; tries++) b = pickUnit(ctx, rng);
    if (b === a) {
      failures++;
      continue;
    }
    const slot = ctx.slotCount++;
    const kind = rng.weighted<PlotRouteKind>([
      ['ring', 0.55],
      ['spine', 0.3],
      ['ring_side', 0.15],
    ]);
    const liquid = service.driver === 'pump';
    const placement: Placement =
      ctx.role === 'terminal'
        ? 'sleeper'
        : substance === 'steam'
          ? 'rack'
          : rng.weighted<Placement>([
              ['rack', 0.8],
              ['sleeper', 0.12],
              ['buried', substance === 'water' ? 0.4 : 0.08],
            ]);
    const storage = liquid && (ctx.role === 'terminal' || rng.chance(0.2));
    const n = lay(
      ctx,
      substance,
      service,
      plotRoute(
        ctx.block.plot,
        endpoint(a),
        endpoint(b),
        slot % RACK_SLOTS,
        kind,
        rng.chance(0.5),
        rng.chance(0.5),
      ),
      {
        name: `${substanceById(substance).name}: ${a.name} to ${b.name}`,
        placement,
        rackZ: rackZ(slot),
        cuts: () => [],
        spacingM: [50, 75],
        flowM3h: rng.logRange(service.intraFlowM3h[0], service.intraFlowM3h[1]),
        installYear: ctx.founded + Math.floor(rng.next() ** 2 * 15),
        areaId: ctx.company.areaId,
        inletTankM3: ctx.role === 'terminal' && storage ? tankM3(substance) : null,
        outletTankM3: storage ? tankM3(substance) : null,
      },
    );
    if (n === 0) failures++;
  }

  const { devices, sensors } = standaloneDevices(
    operator,
    ctxs.find((c) => c.role === 'utilities') ?? operator,
  );
  builder.devices.push(...devices);
  builder.sensors.push(...sensors);

  const companies = ctxs.map((c) => c.company);
  const points = modelPoints({
    nodes: builder.nodes,
    segments: builder.segments,
    equipment: builder.equipment,
    companies,
    coastline: layout.coastline,
  });
  return {
    meta: { source: 'generator', seed, size, version: GENERATOR_VERSION },
    site: {
      id: `complextwin-synthetic-${size}`,
      name: 'Haeun Petrochemical Complex (synthetic)',
      // A coastal site like Yeosu's, on Gwangyang Bay.
      origin: { lat: 34.83, lon: 127.66 },
      bounds: boundsOf(points),
      coastline: layout.coastline,
    },
    areas,
    companies,
    substances: copySubstances(),
    lines: builder.lines,
    nodes: builder.nodes,
    segments: builder.segments,
    equipment: builder.equipment,
    devices: builder.devices,
    sensors: builder.sensors,
  };
}

/** The complex operator's weather station and the SKAB pump test bed. */
function standaloneDevices(
  operator: Ctx,
  utilities: Ctx,
): { devices: Device[]; sensors: SensorDef[] } {
  const wx: Device = {
    id: 'ops-wx01',
    companyId: operator.company.id,
    kind: 'weather_station',
    name: 'Complex weather station',
    areaId: operator.company.areaId,
  };
  const rig: Device = {
    id: 'skab-rig',
    companyId: utilities.company.id,
    kind: 'test_rig',
    name: 'SKAB pump test bed',
    areaId: utilities.company.areaId,
  };
  const sensor = (device: Device, tag: string, quantity: SensorDef['quantity']): SensorDef => ({
    tag,
    companyId: device.companyId,
    deviceId: device.id,
    quantity,
    unit: UNIT_BY_QUANTITY[quantity],
    segmentId: null,
    equipmentId: null,
    positionM: null,
  });
  const ops = operator.company.shortName;
  const ut = utilities.company.shortName;
  return {
    devices: [wx, rig],
    sensors: [
      sensor(wx, `${ops}-WX01-WS`, 'wind_speed'),
      sensor(wx, `${ops}-WX01-WD`, 'wind_direction'),
      sensor(wx, `${ops}-WX01-CC`, 'cloud_cover'),
      sensor(wx, `${ops}-WX01-AT`, 'air_temperature'),
      // SKAB columns in order: Accelerometer1RMS, Accelerometer2RMS, Current, Pressure,
      // Temperature (motor), Thermocouple (fluid), Voltage, Volume Flow RateRMS.
      sensor(rig, `${ut}-SKAB-ACC1`, 'acceleration_rms'),
      sensor(rig, `${ut}-SKAB-ACC2`, 'acceleration_rms'),
      sensor(rig, `${ut}-SKAB-CUR`, 'motor_current'),
      sensor(rig, `${ut}-SKAB-PRS`, 'pressure'),
      sensor(rig, `${ut}-SKAB-TMP`, 'temperature'),
      sensor(rig, `${ut}-SKAB-THC`, 'temperature'),
      sensor(rig, `${ut}-SKAB-VLT`, 'voltage'),
      sensor(rig, `${ut}-SKAB-FLW`, 'flow'),
    ],
  };
}

function placeCompanies(spec: SizeSpec, layout: Layout, rng: Rng): { ctxs: Ctx[]; areas: Area[] } {
  const roles: Role[] = [];
  for (let i = 0; i < spec.companies; i++) {
    roles.push(ROLE_SEQUENCE[i] ?? rng.weighted(ROLE_WEIGHTS));
  }
  // The operator sits nearest the middle of the site; terminals take blocks on the coast road
  // (a terminal that finds none is an inland tank farm without a jetty); the rest at random.
  const free = new Set(layout.blocks);
  const centre = [layout.width / 2, layout.height / 2] as const;
  const middle = [...layout.blocks].sort((a, b) => distanceTo(a, centre) - distanceTo(b, centre));
  const assigned: { role: Role | 'operator'; block: Block }[] = [
    { role: 'operator', block: middle[0]! },
  ];
  free.delete(middle[0]!);
  const blockOf: (Block | undefined)[] = [];
  const coast = rng.shuffle(layout.blocks.filter((b) => b.row === 0 && free.has(b)));
  roles.forEach((role, i) => {
    if (role !== 'terminal') return;
    const block = coast.shift();
    if (block) free.delete(block);
    blockOf[i] = block;
  });
  const rest = rng.shuffle([...free]);
  roles.forEach((role, i) => {
    const block = blockOf[i] ?? rest.shift();
    if (!block) throw new Error('generatePlant: more companies than blocks');
    assigned.push({ role, block });
  });

  const areaIndex = (b: Block): number =>
    Math.floor((b.row * spec.areaRows) / spec.rows) * spec.areaCols +
    Math.floor((b.col * spec.areaCols) / spec.cols);
  const tiles = [...new Set(assigned.map((a) => areaIndex(a.block)))].sort((a, b) => a - b);
  const areas: Area[] = tiles.map((_, i) => ({ id: `area-${i + 1}`, name: `Area ${i + 1}` }));
  const areaOf = (b: Block): string => `area-${tiles.indexOf(areaIndex(b)) + 1}`;

  const names = new Set<string>();
  const shorts = new Set<string>(['OPS']);
  const prefixes = rng.shuffle(NAME_PREFIXES);
  let prefixAt = 0;
  const ctxs: Ctx[] = assigned.map(({ role, block }, i) => {
    const roleSpec = role === 'operator' ? OPERATOR : ROLES[role];
    let name: string;
    let prefix: string;
    let shortName: string;
    let id: string;
    if (role === 'operator') {
      prefix = 'Haeun';
      name = 'Haeun Complex Operations';
      shortName = 'OPS';
      id = OPERATOR_ID;
    } else {
      do {
        prefix = prefixes[prefixAt % prefixes.length]!;
        const suffix =
          roleSpec.suffixes[Math.floor(prefixAt / prefixes.length) % roleSpec.suffixes.length]!;
        const round = Math.floor(prefixAt / (prefixes.length * roleSpec.suffixes.length));
        name = round === 0 ? `${prefix} ${suffix}` : `${prefix} ${suffix} ${romanSuffix(round)}`;
        prefixAt++;
      } while (names.has(name));
      shortName = shortNameFor(prefix, roleSpec.suffixes[0]!, shorts);
      id = shortName.toLowerCase();
    }
    names.add(name);
    shorts.add(shortName);
    const units = unitGrid(block.plot, rng).map((at, k) => ({
      name:
        k < roleSpec.units.length
          ? roleSpec.units[k]!
          : `${roleSpec.units[k % roleSpec.units.length]!} ${Math.floor(k / roleSpec.units.length) + 1}`,
      at,
      uses: 0,
    }));
    return {
      company: {
        id,
        name,
        shortName,
        areaId: areaOf(block),
        plot: rectCorners(block.plot),
      },
      role,
      spec: roleSpec,
      block,
      units,
      founded: role === 'operator' ? 1972 : foundedYear(rng),
      lineCount: 0,
      slotCount: i % RACK_SLOTS,
    };
  });
  return { ctxs, areas };
}

/** The year a company built its plant: most of the complex dates from the 1970s to 1990s. */
function foundedYear(rng: Rng): number {
  const [from, to] = rng.weighted<readonly [number, number]>([
    [[1972, 1979], 0.38],
    [[1980, 1989], 0.3],
    [[1990, 1999], 0.2],
    [[2000, 2009], 0.09],
    [[2010, 2019], 0.03],
  ]);
  return rng.int(from, to);
}

/** Three to five capital letters from the name, unique among `taken`. */
function shortNameFor(prefix: string, suffix: string, taken: Set<string>): string {
  const p = prefix.toUpperCase().replace(/[^A-Z]/g, '');
  const consonants = p.slice(1).replace(/[AEIOU]/g, '');
  const s = suffix.toUpperCase().replace(/[^A-Z]/g, '');
  const head = p[0]!;
  const candidates = [
    head + consonants.slice(0, 2),
    head + consonants[0] + s[0],
    head + consonants.slice(0, 2) + s[0],
    head + consonants.slice(0, 3),
    head + consonants.slice(0, 3) + s[0],
    p.slice(0, 3),
    p.slice(0, 4),
  ];
  for (const c of candidates) if (/^[A-Z]{3,5}$/.test(c) && !taken.has(c)) return c;
  for (let i = 0; i < 26 * 26; i++) {
    const c =
      head +
      (consonants[0] ?? 'X') +
      String.fromCharCode(65 + (i % 26)) +
      String.fromCharCode(65 + Math.floor(i / 26));
    if (!taken.has(c)) return c;
  }
  throw new Error(`no free short name for ${prefix}`);
}

function romanSuffix(n: number): string {
  return ['', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X'][n] ?? String(n + 1);
}

/** Variants of a service by where it runs: HP/LP steam, hot hydrogen, cold ethylene. */
function variant(
  base: Service,
  substance: SubstanceId,
  where: 'inter' | 'intra',
  role: Role | 'operator',
  rng: Rng,
): Service {
  if (substance === 'steam') {
    const r = rng.next();
    if (r < (where === 'intra' ? 0.2 : 0.15)) return { ...base, ...HP_STEAM };
    if (r > (where === 'intra' ? 0.7 : 0.85)) return { ...base, ...LP_STEAM };
  }
  if (substance === 'hydrogen' && role === 'refinery' && where === 'intra' && rng.chance(0.3)) {
    return { ...base, ...HOT_HYDROGEN };
  }
  if (substance === 'ethylene' && role === 'cracker' && where === 'intra' && rng.chance(0.35)) {
    return { ...base, ...COLD_ETHYLENE };
  }
  return base;
}

function pickUnit(ctx: Ctx, rng: Rng): Unit {
  return rng.pick(ctx.units);
}

// Lines leaving one unit are spread a few metres apart so that their risers do not coincide.
const SPREAD_M = [0, 4, -4, 8, -8, 12, -12, 16, -16, 20, -20, 24, -24];

function endpoint(unit: Unit): Vec2 {
  const dx = SPREAD_M[unit.uses++ % SPREAD_M.length]!;
  return [unit.at[0] + dx, unit.at[1]];
}

function blockDistance(a: Block, b: Block): number {
  return Math.abs(a.col - b.col) + Math.abs(a.row - b.row);
}

function distanceTo(b: Block, p: readonly [number, number]): number {
  return Math.hypot((b.plot.x0 + b.plot.x1) / 2 - p[0], (b.plot.y0 + b.plot.y1) / 2 - p[1]);
}
