import type { Substance, SubstanceId } from './model';

/** Every substance id the model knows, in catalogue order. */
export const SUBSTANCE_IDS = [
  'benzene',
  'ammonia',
  'chlorine',
  'sour_gas',
  'hydrogen_sulfide',
  'hydrogen_fluoride',
  'naphtha',
  'ethylene',
  'propylene',
  'lpg',
  'hydrogen',
  'steam',
  'water',
] as const satisfies readonly SubstanceId[];

// Tags as in shared/domain: [S] read in the source, [S2] secondary summary, [M] domain knowledge
// (verify before safety use). Densities and bulk moduli are at typical line conditions; for gases
// the bulk modulus is the adiabatic one, K = gamma * P_abs, so sqrt(K / rho) is the sound speed.
const CATALOGUE: Substance[] = [
  {
    id: 'benzene',
    name: 'Benzene',
    formula: 'C6H6',
    // source: dispersion.md §3.2 (CAS, MW)
    cas: '71-43-2',
    molarMassGMol: 78.11,
    phase: 'liquid',
    // source: domain knowledge [M]: liquid at about 30 °C
    densityKgM3: 870,
    // source: domain knowledge [M]: K = rho * c^2 with a liquid sound speed of about 1 300 m/s
    bulkModulusPa: 1.47e9,
    toxic: true,
    flammable: true,
    denseGas: true,
    // source: domain knowledge [M]: NIOSH pocket guide LEL 1.2 vol%
    lflPct: 1.2,
    // source: dispersion.md §3.2 (AEGL 60-min [S2], ERPG [M])
    aegl: { ppm: [52, 800, 4000], source: 'AEGL 60-min, dispersion.md §3.2 [S2]' },
    erpg: { ppm: [50, 150, 1000], source: 'ERPG, dispersion.md §3.2 [M]' },
    toxicComponent: null,
    // source: domain knowledge [M]: API 570 class 2, on-site hydrocarbon that slowly vaporizes
    pipingClass: 2,
  },
  {
    id: 'ammonia',
    name: 'Ammonia (anhydrous)',
    formula: 'NH3',
    // source: dispersion.md §3.2 (CAS, MW)
    cas: '7664-41-7',
    molarMassGMol: 17.03,
    phase: 'liquefied_gas',
    // source: domain knowledge [M]: saturated liquid at 20 °C
    densityKgM3: 610,
    // source: domain knowledge [M, verify against NIST]: liquid sound speed about 1 150 m/s
    bulkModulusPa: 8.1e8,
    toxic: true,
    flammable: true,
    // source: dispersion.md §3.1 (cold aerosol release needs a heavy-gas model)
    denseGas: true,
    // source: domain knowledge [M]: flammable range 15-28 vol%
    lflPct: 15,
    // source: dispersion.md §3.2 (AEGL [S2]; ERPG-3 750 [M, verify AIHA])
    aegl: { ppm: [30, 160, 1100], source: 'AEGL 60-min, dispersion.md §3.2 [S2]' },
    erpg: { ppm: [25, 150, 750], source: 'ERPG, dispersion.md §3.2 [S2]; ERPG-3 [M]' },
    toxicComponent: null,
    // source: domain knowledge [M]: toxic pressurized liquefied gas taken as API 570 class 1
    pipingClass: 1,
  },
  {
    id: 'chlorine',
    name: 'Chlorine',
    formula: 'Cl2',
    // source: dispersion.md §3.2 (CAS, MW)
    cas: '7782-50-5',
    molarMassGMol: 70.9,
    phase: 'liquefied_gas',
    // source: domain knowledge [M]: saturated liquid at 20 °C
    densityKgM3: 1410,
    // source: domain knowledge [M, verify]: liquid sound speed about 850 m/s
    bulkModulusPa: 1.02e9,
    toxic: true,
    flammable: false,
    // source: dispersion.md §3.1 (dense gas)
    denseGas: true,
    lflPct: null,
    // source: dispersion.md §3.2 (full AEGL table [S2])
    aegl: { ppm: [0.5, 2.0, 20], source: 'AEGL 60-min, dispersion.md §3.2 [S2]' },
    erpg: { ppm: [1, 3, 20], source: 'ERPG, dispersion.md §3.2 [S2]' },
    toxicComponent: null,
    // source: domain knowledge [M]: toxic liquefied gas taken as API 570 class 1
    pipingClass: 1,
  },
  {
    id: 'sour_gas',
    name: 'Sour natural gas (2 mol% H2S)',
    formula: 'CH4 + H2S',
    cas: null,
    // source: domain knowledge [M]: 0.98 x 17.4 (sweet gas) + 0.02 x 34.08
    molarMassGMol: 17.7,
    phase: 'gas',
    // source: domain knowledge [M]: rho = P*M/(Z*R*T) at 4 MPa g, 40 °C, Z = 0.9
    densityKgM3: 31.5,
    // source: domain knowledge [M]: K = 1.3 x 4.1 MPa; sound speed about 410 m/s
    bulkModulusPa: 5.3e6,
    toxic: true,
    flammable: true,
    denseGas: false,
    // source: domain knowledge [M]: Le Chatelier from methane 5.0 and H2S 4.0 vol%
    lflPct: 5.0,
    // The mixture has no levels of its own: use the toxic component's at its mole fraction.
    aegl: null,
    erpg: null,
    // source: domain knowledge [M]: a typical sour gas; 2 mol% H2S is about 3.9 wt%
    toxicComponent: { substance: 'hydrogen_sulfide', moleFraction: 0.02 },
    // source: pipe-integrity.md §1.1 (API 570 Table 2 summary: H2S over 3 wt% in gas is class 1)
    pipingClass: 1,
  },
  {
    id: 'hydrogen_sulfide',
    name: 'Hydrogen sulfide (acid gas)',
    formula: 'H2S',
    // source: dispersion.md §3.2 (CAS, MW)
    cas: '7783-06-4',
    molarMassGMol: 34.08,
    phase: 'gas',
    // source: domain knowledge [M]: ideal gas at 150 kPa g, 50 °C (amine regenerator overhead)
    densityKgM3: 3.2,
    // source: domain knowledge [M]: K = 1.32 x 251 kPa; sound speed about 320 m/s
    bulkModulusPa: 3.3e5,
    toxic: true,
    flammable: true,
    denseGas: true,
    // source: domain knowledge [M]: flammable range 4.0-46 vol%
    lflPct: 4.0,
    // source: dispersion.md §3.2 (AEGL from PMC5777517 Table 3 [S]; ERPG)
    aegl: { ppm: [0.51, 27, 50], source: 'AEGL 60-min, dispersion.md §3.2 (PMC5777517) [S]' },
    erpg: { ppm: [0.1, 30, 100], source: 'ERPG, dispersion.md §3.2' },
    toxicComponent: null,
    // source: pipe-integrity.md §1.1 (API 570 class 1 includes H2S)
    pipingClass: 1,
  },
  {
    id: 'hydrogen_fluoride',
    name: 'Hydrogen fluoride (anhydrous)',
    formula: 'HF',
    // source: dispersion.md §3.2 (CAS, MW)
    cas: '7664-39-3',
    molarMassGMol: 20.01,
    phase: 'liquefied_gas',
    // source: domain knowledge [M]: liquid under pressure at about 30 °C
    densityKgM3: 970,
    // source: domain knowledge [M, estimate]: liquid sound speed about 1 000 m/s
    bulkModulusPa: 9.7e8,
    toxic: true,
    flammable: false,
    // source: dispersion.md §3.1 (HF is dense on release)
    denseGas: true,
    lflPct: null,
    // source: dispersion.md §3.2 (AEGL-1 [S], AEGL-2/3 [M]; ERPG-2 [S], ERPG-1/3 [M])
    aegl: { ppm: [1.0, 24, 44], source: 'AEGL 60-min, dispersion.md §3.2 (AEGL-1 [S], 2/3 [M])' },
    erpg: { ppm: [2, 20, 50], source: 'ERPG, dispersion.md §3.2 (ERPG-2 [S], 1/3 [M])' },
    toxicComponent: null,
    // source: pipe-integrity.md §1.1 (API 570 class 1 includes HF)
    pipingClass: 1,
  },
  {
    id: 'naphtha',
    name: 'Naphtha',
    formula: 'C5-C10 hydrocarbons',
    cas: null,
    // source: domain knowledge [M]: light naphtha, average molar mass about 95 g/mol
    molarMassGMol: 95,
    phase: 'liquid',
    // source: domain knowledge [M]
    densityKgM3: 700,
    // source: domain knowledge [M]: liquid sound speed about 1 200 m/s
    bulkModulusPa: 1.0e9,
    toxic: false,
    flammable: true,
    denseGas: true,
    // source: domain knowledge [M]: petroleum naphtha LEL about 1.1 vol%
    lflPct: 1.1,
    aegl: null,
    erpg: null,
    toxicComponent: null,
    // source: domain knowledge [M]: API 570 class 2, hydrocarbon that slowly vaporizes
    pipingClass: 2,
  },
  {
    id: 'ethylene',
    name: 'Ethylene',
    formula: 'C2H4',
    // source: domain knowledge [M] (CAS, MW)
    cas: '74-85-1',
    molarMassGMol: 28.05,
    phase: 'gas',
    // source: domain knowledge [M]: rho = P*M/(Z*R*T) at 3.5 MPa g, 25 °C, Z = 0.78
    densityKgM3: 52,
    // source: domain knowledge [M]: sound speed about 250 m/s near the critical region
    bulkModulusPa: 3.3e6,
    toxic: false,
    flammable: true,
    // Molar mass 28 is close to air's 29: neutral unless released cold.
    denseGas: false,
    // source: domain knowledge [M]: LEL 2.7 vol%
    lflPct: 2.7,
    aegl: null,
    erpg: null,
    toxicComponent: null,
    // source: pipe-integrity.md §1.1 (API 570 class 1: flammables that flash, C2 streams)
    pipingClass: 1,
  },
  {
    id: 'propylene',
    name: 'Propylene',
    formula: 'C3H6',
    // source: domain knowledge [M] (CAS, MW)
    cas: '115-07-1',
    molarMassGMol: 42.08,
    phase: 'liquefied_gas',
    // source: domain knowledge [M]: saturated liquid at 20 °C
    densityKgM3: 514,
    // source: domain knowledge [M]: liquid sound speed about 650 m/s
    bulkModulusPa: 2.2e8,
    toxic: false,
    flammable: true,
    denseGas: true,
    // source: domain knowledge [M]: LEL 2.0 vol%
    lflPct: 2.0,
    aegl: null,
    erpg: null,
    toxicComponent: null,
    // source: pipe-integrity.md §1.1 (API 570 class 1: flammables that flash, C3 streams)
    pipingClass: 1,
  },
  {
    id: 'lpg',
    name: 'LPG (propane/butane)',
    formula: 'C3H8 + C4H10',
    cas: null,
    // source: domain knowledge [M]: 60/40 propane/butane, 0.6 x 44.10 + 0.4 x 58.12
    molarMassGMol: 49.7,
    phase: 'liquefied_gas',
    // source: domain knowledge [M]: liquid at 20 °C
    densityKgM3: 540,
    // source: domain knowledge [M]: liquid sound speed about 700 m/s
    bulkModulusPa: 2.65e8,
    toxic: false,
    flammable: true,
    denseGas: true,
    // source: domain knowledge [M]: Le Chatelier from propane 2.1 and butane 1.8 vol%
    lflPct: 2.0,
    aegl: null,
    erpg: null,
    toxicComponent: null,
    // source: pipe-integrity.md §1.1 (API 570 class 1: flammables that flash, C3/C4 streams)
    pipingClass: 1,
  },
  {
    id: 'hydrogen',
    name: 'Hydrogen',
    formula: 'H2',
    // source: domain knowledge [M] (CAS, MW)
    cas: '1333-74-0',
    molarMassGMol: 2.016,
    phase: 'gas',
    // source: domain knowledge [M]: rho = P*M/(Z*R*T) at 2.5 MPa g, 40 °C
    densityKgM3: 2.0,
    // source: domain knowledge [M]: K = 1.41 x 2.6 MPa; sound speed about 1 350 m/s
    bulkModulusPa: 3.67e6,
    toxic: false,
    flammable: true,
    denseGas: false,
    // source: domain knowledge [M]: LEL 4.0 vol%
    lflPct: 4.0,
    aegl: null,
    erpg: null,
    toxicComponent: null,
    // source: pipe-integrity.md §1.1 (API 570 class 1 includes high-pressure H2)
    pipingClass: 1,
  },
  {
    id: 'steam',
    name: 'Steam',
    formula: 'H2O',
    // source: domain knowledge [M] (CAS, MW)
    cas: '7732-18-5',
    molarMassGMol: 18.015,
    phase: 'vapour',
    // source: domain knowledge [M]: medium-pressure steam, 1.5 MPa g, 250 °C
    densityKgM3: 7.0,
    // source: domain knowledge [M]: K = 1.3 x 1.6 MPa; sound speed about 545 m/s
    bulkModulusPa: 2.08e6,
    toxic: false,
    flammable: false,
    denseGas: false,
    lflPct: null,
    aegl: null,
    erpg: null,
    toxicComponent: null,
    // source: domain knowledge [M]: API 570 class 4 covers steam and condensate
    pipingClass: 4,
  },
  {
    id: 'water',
    name: 'Water (industrial and cooling)',
    formula: 'H2O',
    // source: domain knowledge [M] (CAS, MW)
    cas: '7732-18-5',
    molarMassGMol: 18.015,
    phase: 'liquid',
    // source: leak-detection.md §2.1 (water test vector, rho = 998)
    densityKgM3: 998,
    // source: leak-detection.md §2.1 (water test vector, K = 2.2 GPa)
    bulkModulusPa: 2.2e9,
    toxic: false,
    flammable: false,
    denseGas: false,
    lflPct: null,
    aegl: null,
    erpg: null,
    toxicComponent: null,
    // source: domain knowledge [M]: API 570 class 4 covers water
    pipingClass: 4,
  },
];

function freezeSubstance(s: Substance): Substance {
  for (const levels of [s.aegl, s.erpg]) {
    if (levels) Object.freeze(Object.freeze(levels).ppm);
  }
  if (s.toxicComponent) Object.freeze(s.toxicComponent);
  return Object.freeze(s);
}

/** The substance catalogue, one entry per `SubstanceId`, frozen. */
export const SUBSTANCES: readonly Substance[] = Object.freeze(CATALOGUE.map(freezeSubstance));

const BY_ID = new Map<string, Substance>(SUBSTANCES.map((s) => [s.id, s]));

/** The catalogue entry for a substance id; undefined for an id the catalogue does not know. */
export function substanceById(id: SubstanceId): Substance;
export function substanceById(id: string): Substance | undefined;
export function substanceById(id: string): Substance | undefined {
  return BY_ID.get(id);
}

/** A mutable deep copy of the catalogue, for a `PlantModel` (callers may edit their model). */
export function copySubstances(): Substance[] {
  return SUBSTANCES.map((s) => ({
    ...s,
    aegl: s.aegl ? { ppm: [...s.aegl.ppm], source: s.aegl.source } : null,
    erpg: s.erpg ? { ppm: [...s.erpg.ppm], source: s.erpg.source } : null,
    toxicComponent: s.toxicComponent ? { ...s.toxicComponent } : null,
  }));
}
