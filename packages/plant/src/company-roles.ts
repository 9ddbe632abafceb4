import type { Material, SubstanceId } from './model';
import { substanceById } from './substances';

/** What a company in the synthetic complex does; decides its units and its lines. */
export type Role =
  | 'terminal'
  | 'refinery'
  | 'cracker'
  | 'aromatics'
  | 'polyethylene'
  | 'polypropylene'
  | 'chlor_alkali'
  | 'vinyl'
  | 'alkylbenzene'
  | 'acrylonitrile'
  | 'fertilizer'
  | 'styrenics'
  | 'industrial_gas'
  | 'utilities';

export interface RoleSpec {
  /** Second word of the company name. */
  suffixes: readonly string[];
  /** Offered to other companies over inter-company lines. */
  produces: readonly SubstanceId[];
  /** Received from other companies (most important first). */
  consumes: readonly SubstanceId[];
  /** Carried between the company's own units. */
  internal: readonly SubstanceId[];
  /** Unit names inside the plot. */
  units: readonly string[];
}

export const ROLES: Readonly<Record<Role, RoleSpec>> = {
  terminal: {
    suffixes: ['Tank Terminal', 'Marine Terminal'],
    produces: ['naphtha', 'lpg', 'ammonia'],
    consumes: ['benzene'],
    internal: ['naphtha', 'lpg', 'benzene', 'ammonia'],
    units: ['Naphtha tank yard', 'LPG spheres', 'Ammonia tank', 'Benzene tanks', 'Truck loading'],
  },
  refinery: {
    suffixes: ['Refining', 'Oil Refinery'],
    produces: ['naphtha', 'lpg', 'hydrogen'],
    consumes: ['water', 'steam'],
    internal: ['sour_gas', 'hydrogen_sulfide', 'naphtha', 'lpg', 'hydrogen', 'steam', 'water'],
    units: [
      'Crude unit',
      'Naphtha hydrotreater',
      'Reformer',
      'Amine regenerator',
      'Sulfur recovery',
      'Sour water stripper',
      'Gas plant',
      'Hydrocracker',
    ],
  },
  cracker: {
    suffixes: ['Petrochemical', 'Olefins', 'NCC'],
    produces: ['ethylene', 'propylene', 'hydrogen'],
    consumes: ['naphtha', 'lpg', 'water'],
    internal: ['naphtha', 'ethylene', 'propylene', 'hydrogen', 'lpg', 'steam', 'water'],
    units: [
      'Cracking furnaces',
      'Quench tower',
      'Charge gas compressor',
      'Cold box',
      'Demethanizer',
      'C2 splitter',
      'C3 splitter',
      'Steam drum',
      'Cooling tower',
    ],
  },
  aromatics: {
    suffixes: ['Aromatics', 'BTX'],
    produces: ['benzene'],
    consumes: ['naphtha', 'hydrogen', 'steam', 'water'],
    internal: ['benzene', 'naphtha', 'hydrogen', 'steam'],
    units: ['Pygas hydrotreater', 'Extraction unit', 'Benzene column', 'Toluene column', 'Xylene'],
  },
  polyethylene: {
    suffixes: ['Polymer', 'Polyethylene'],
    produces: [],
    consumes: ['ethylene', 'hydrogen', 'steam', 'water'],
    internal: ['ethylene', 'hydrogen', 'steam', 'water'],
    units: ['Reactor train 1', 'Reactor train 2', 'Purge bin', 'Extruder', 'Silo yard'],
  },
  polypropylene: {
    suffixes: ['Polyolefin', 'Polypropylene'],
    produces: [],
    consumes: ['propylene', 'hydrogen', 'steam', 'water'],
    internal: ['propylene', 'hydrogen', 'steam', 'water'],
    units: ['Loop reactor', 'Gas-phase reactor', 'Propylene recovery', 'Extruder', 'Silo yard'],
  },
  chlor_alkali: {
    suffixes: ['Chemical', 'Chlor-Alkali'],
    produces: ['chlorine', 'hydrogen'],
    consumes: ['water', 'steam'],
    internal: ['chlorine', 'hydrogen', 'water', 'steam'],
    units: ['Cell room', 'Chlorine drying', 'Chlorine liquefaction', 'Caustic evaporator'],
  },
  vinyl: {
    suffixes: ['Vinyl', 'PVC'],
    produces: [],
    consumes: ['chlorine', 'ethylene', 'steam', 'water'],
    internal: ['chlorine', 'ethylene', 'water', 'steam'],
    units: ['EDC reactor', 'Cracking furnace', 'VCM column', 'PVC reactors', 'Dryer'],
  },
  alkylbenzene: {
    suffixes: ['Alkylbenzene', 'LAB'],
    produces: [],
    consumes: ['benzene', 'hydrogen', 'steam', 'water'],
    internal: ['hydrogen_fluoride', 'benzene', 'hydrogen', 'steam'],
    units: ['Paraffin dehydrogenation', 'HF alkylation', 'HF regenerator', 'Benzene column'],
  },
  acrylonitrile: {
    suffixes: ['Acrylics', 'Acrylonitrile'],
    produces: [],
    consumes: ['propylene', 'ammonia', 'steam', 'water'],
    internal: ['propylene', 'ammonia', 'steam', 'water'],
    units: ['Ammoxidation reactor', 'Quench column', 'Recovery column', 'Product column'],
  },
  fertilizer: {
    suffixes: ['Fertilizer', 'Agrochem'],
    produces: [],
    consumes: ['ammonia', 'steam', 'water'],
    internal: ['ammonia', 'steam', 'water'],
    units: ['Urea synthesis', 'Nitric acid', 'Granulation', 'Ammonia storage'],
  },
  styrenics: {
    suffixes: ['Styrenics', 'Styrene'],
    produces: [],
    consumes: ['benzene', 'ethylene', 'steam', 'water'],
    internal: ['benzene', 'ethylene', 'steam', 'water'],
    units: ['Ethylbenzene reactor', 'Dehydrogenation', 'Styrene column', 'Polystyrene line'],
  },
  industrial_gas: {
    suffixes: ['Industrial Gases', 'Hydrogen'],
    produces: ['hydrogen'],
    consumes: ['water'],
    internal: ['hydrogen', 'water'],
    units: ['Steam reformer', 'PSA unit', 'Air separation', 'Compressor house'],
  },
  utilities: {
    suffixes: ['Energy', 'Power & Steam'],
    produces: ['steam', 'water'],
    consumes: ['water'],
    internal: ['steam', 'water'],
    units: ['Boiler house', 'Turbine hall', 'Demineralization', 'Cooling tower', 'Pump station'],
  },
};

/** Roles of the companies in creation order; the first twelve cover every substance. */
export const ROLE_SEQUENCE: readonly Role[] = [
  'terminal',
  'cracker',
  'refinery',
  'utilities',
  'polyethylene',
  'aromatics',
  'chlor_alkali',
  'vinyl',
  'alkylbenzene',
  'acrylonitrile',
  'polypropylene',
  'industrial_gas',
  'styrenics',
  'fertilizer',
  'cracker',
  'polyethylene',
];

/** How often each role recurs beyond the fixed sequence (large complexes). */
export const ROLE_WEIGHTS: readonly (readonly [Role, number])[] = [
  ['terminal', 0.5],
  ['refinery', 0.5],
  ['cracker', 0.8],
  ['aromatics', 0.8],
  ['polyethylene', 1.2],
  ['polypropylene', 1.2],
  ['chlor_alkali', 0.6],
  ['vinyl', 0.7],
  ['alkylbenzene', 0.5],
  ['acrylonitrile', 0.6],
  ['fertilizer', 0.6],
  ['styrenics', 0.8],
  ['industrial_gas', 0.7],
  ['utilities', 0.8],
];

/** First words of company names: places and words used by Korean companies. */
export const NAME_PREFIXES: readonly string[] = [
  'Hanbit',
  'Daesan',
  'Namhae',
  'Yeosu',
  'Gwangyang',
  'Mirae',
  'Seohae',
  'Donghae',
  'Baekdu',
  'Jinhae',
  'Sejin',
  'Cheonji',
  'Hwaseong',
  'Taeyang',
  'Hanul',
  'Saebyeok',
  'Boseong',
  'Suncheon',
  'Goheung',
  'Mokpo',
  'Gaya',
  'Silla',
  'Goryeo',
  'Hanra',
  'Jirisan',
  'Seorak',
  'Dadohae',
  'Areum',
  'Nuri',
  'Haedal',
  'Byeolbit',
  'Pureun',
  'Onsan',
  'Ulsan',
  'Yongyeon',
  'Maepo',
  'Hwacheon',
  'Geumgang',
  'Sumjin',
  'Yeongsan',
  'Chungmu',
  'Dolsan',
  'Odong',
  'Jangseng',
  'Haeun',
  'Sinseong',
  'Daedeok',
  'Mugunghwa',
];

/** Operating conditions and sizing of each service in the synthetic complex. */
export interface Service {
  /** Operating pressure at the inlet, kPa gauge. */
  pressureKpa: readonly [number, number];
  /** Operating temperature, degC. */
  tempC: readonly [number, number];
  /** Nominal flow of a line between companies, m3/h at line conditions. */
  interFlowM3h: readonly [number, number];
  /** Nominal flow of a line inside a plot, m3/h. */
  intraFlowM3h: readonly [number, number];
  /** Velocity the line is sized for, m/s. */
  velocityMs: number;
  material: Material;
  /** Corrosion allowance for carbon steel in this service, mm. */
  corrosionAllowanceMm: number;
  /** Machine at the line's inlet: liquids are pumped, gases compressed, steam needs neither. */
  driver: 'pump' | 'compressor' | null;
}

const DRIVER_BY_PHASE = {
  liquid: 'pump',
  liquefied_gas: 'pump',
  gas: 'compressor',
  vapour: null,
} as const;

// source: domain knowledge [M] for every number below: typical operating windows and the usual
// sizing velocities (liquids 1-3 m/s, gases 10-20 m/s, steam 25-35 m/s).
export const SERVICES: Readonly<Record<SubstanceId, Service>> = {
  benzene: svc('benzene', [600, 1400], [30, 45], [60, 400], [15, 250], 1.8, 'carbon_steel', 1.6),
  ammonia: svc('ammonia', [1500, 2200], [10, 30], [30, 250], [10, 120], 1.5, 'carbon_steel', 1.6),
  chlorine: svc('chlorine', [900, 1300], [15, 30], [5, 40], [2, 25], 1.2, 'carbon_steel', 1.6),
  sour_gas: svc(
    'sour_gas',
    [1500, 4500],
    [35, 55],
    [500, 6000],
    [500, 6000],
    12,
    'carbon_steel',
    3.0,
  ),
  hydrogen_sulfide: svc(
    'hydrogen_sulfide',
    [60, 180],
    [40, 60],
    [300, 3000],
    [300, 3000],
    10,
    'stainless_316',
    0,
  ),
  // Anhydrous HF is handled in carbon steel with a generous allowance (API RP 751 practice).
  hydrogen_fluoride: svc(
    'hydrogen_fluoride',
    [500, 1000],
    [25, 40],
    [5, 60],
    [5, 60],
    1.0,
    'carbon_steel',
    3.2,
  ),
  naphtha: svc('naphtha', [800, 1800], [25, 45], [200, 2000], [50, 600], 2.0, 'carbon_steel', 1.6),
  ethylene: svc(
    'ethylene',
    [3000, 4500],
    [15, 35],
    [300, 2500],
    [200, 2000],
    15,
    'carbon_steel',
    1.6,
  ),
  propylene: svc(
    'propylene',
    [1800, 2600],
    [15, 35],
    [40, 300],
    [20, 200],
    1.8,
    'carbon_steel',
    1.6,
  ),
  lpg: svc('lpg', [1300, 2000], [15, 35], [50, 400], [20, 200], 1.8, 'carbon_steel', 1.6),
  hydrogen: svc(
    'hydrogen',
    [2000, 3500],
    [30, 50],
    [800, 6000],
    [300, 4000],
    18,
    'carbon_steel',
    1.6,
  ),
  steam: svc(
    'steam',
    [1300, 1800],
    [230, 260],
    [3000, 25000],
    [1000, 12000],
    30,
    'carbon_steel',
    1.6,
  ),
  water: svc('water', [350, 800], [20, 32], [300, 5000], [100, 1500], 2.2, 'carbon_steel', 1.6),
};

function svc(
  id: SubstanceId,
  pressureKpa: readonly [number, number],
  tempC: readonly [number, number],
  interFlowM3h: readonly [number, number],
  intraFlowM3h: readonly [number, number],
  velocityMs: number,
  material: Material,
  corrosionAllowanceMm: number,
): Service {
  return {
    pressureKpa,
    tempC,
    interFlowM3h,
    intraFlowM3h,
    velocityMs,
    material,
    corrosionAllowanceMm,
    driver: DRIVER_BY_PHASE[substanceById(id).phase],
  };
}

/** Variants a service can run in: high-pressure steam, hot hydrogen, cold ethylene. */
export const HP_STEAM: Partial<Service> = {
  pressureKpa: [3800, 4300],
  tempC: [380, 410],
  material: 'low_alloy_steel',
};
export const LP_STEAM: Partial<Service> = { pressureKpa: [300, 500], tempC: [150, 170] };
// Hot hydrogen above about 230 °C needs Cr-Mo steel (API RP 941 Nelson curves).
export const HOT_HYDROGEN: Partial<Service> = { tempC: [280, 340], material: 'low_alloy_steel' };
// Ethylene in the cold section is a liquid near its boiling point: stainless, sized as a liquid.
export const COLD_ETHYLENE: Partial<Service> = {
  pressureKpa: [1500, 2500],
  tempC: [-100, -90],
  intraFlowM3h: [20, 200],
  velocityMs: 1.5,
  material: 'stainless_304',
  corrosionAllowanceMm: 0,
  driver: 'pump',
};
