import { describe, expect, it } from 'vitest';
import { exposedAssets, pointInPolygon } from './exposure';
import { briggsSigmas, maxDistanceToLevelM, plumeConcentration, plumeHalfWidthM } from './plume';
import { insolationFor, pasquillStability, type StabilityEntry } from './stability';
import { computeThreatZones } from './threat-zones';
import { mgM3ToPpm, molarVolumeLMol, ppmToMgM3 } from './units';

/** |actual − expected| within `pct` per cent of expected. */
const within = (actual: number, expected: number, pct: number) =>
  expect(Math.abs(actual - expected) / Math.abs(expected)).toBeLessThanOrEqual(pct / 100);

const CL2 = 70.9;

describe('Pasquill-Gifford stability (NOAA table, dispersion.md §3.1)', () => {
  // One wind speed inside each band; columns: day strong, moderate, slight, night > 4/8, <= 4/8.
  const table: [number, StabilityEntry[]][] = [
    [1.5, ['A', 'A-B', 'B', 'E', 'F']],
    [2.5, ['A-B', 'B', 'C', 'E', 'F']],
    [4, ['B', 'B-C', 'C', 'D', 'E']],
    [5.5, ['C', 'C-D', 'D', 'D', 'D']],
    [7, ['C', 'D', 'D', 'D', 'D']],
  ];
  const day = (u: number, insolation: 'strong' | 'moderate' | 'slight') =>
    pasquillStability({ windSpeedMs: u, cloudOktas: 2, isDaytime: true, insolation });

  it('reproduces every cell of the table, a mixed class resolved to the more stable one', () => {
    for (const [u, row] of table) {
      const got = [
        day(u, 'strong'),
        day(u, 'moderate'),
        day(u, 'slight'),
        pasquillStability({ windSpeedMs: u, cloudOktas: 6, isDaytime: false }),
        pasquillStability({ windSpeedMs: u, cloudOktas: 3, isDaytime: false }),
      ];
      expect(got.map((g) => g.entry)).toEqual(row);
      expect(got.map((g) => g.stability)).toEqual(row.map((e) => e.slice(-1)));
    }
  });

  it('puts a speed on a band edge in the band above (2 m/s is 2-3) and calls overcast D', () => {
    expect(day(2, 'strong').entry).toBe('A-B');
    expect(day(6, 'moderate').entry).toBe('D');
    expect(pasquillStability({ windSpeedMs: 1, cloudOktas: 8, isDaytime: false }).stability).toBe(
      'D',
    );
    expect(pasquillStability({ windSpeedMs: 1, cloudOktas: 8, isDaytime: true }).stability).toBe(
      'D',
    );
  });

  it('treats 4/8 cloud at night as clear and 5/8 as cloudy', () => {
    expect(pasquillStability({ windSpeedMs: 1, cloudOktas: 4, isDaytime: false }).stability).toBe(
      'F',
    );
    expect(pasquillStability({ windSpeedMs: 1, cloudOktas: 5, isDaytime: false }).stability).toBe(
      'E',
    );
  });

  it('derives daytime insolation from the sun and cloud, moderate when the sun is unknown', () => {
    expect(insolationFor(0, 70)).toBe('strong');
    expect(insolationFor(6, 70)).toBe('moderate');
    expect(insolationFor(2, 45)).toBe('moderate');
    expect(insolationFor(2, 20)).toBe('slight');
    expect(insolationFor(2)).toBe('moderate');
    expect(insolationFor(7)).toBe('slight');
  });

  it('refuses wind and cloud that cannot be', () => {
    expect(() => pasquillStability({ windSpeedMs: -1, cloudOktas: 0, isDaytime: true })).toThrow(
      /wind speed/,
    );
    expect(() => pasquillStability({ windSpeedMs: 3, cloudOktas: 9, isDaytime: true })).toThrow(
      /oktas/,
    );
  });
});

describe('ppm <-> mg/m3 (dispersion.md §3.2)', () => {
  it('matches the computed table at 25 °C to 0.1 % (the table rounds Vm to 24.45 L/mol)', () => {
    const table: [number, number][] = [
      [17.03, 0.6965],
      [70.9, 2.8998],
      [78.11, 3.1947],
      [34.08, 1.3939],
      [20.01, 0.8184],
    ];
    for (const [mw, perPpm] of table) within(ppmToMgM3(1, mw, 25), perPpm, 0.1);
  });

  it('matches the published checks: benzene at 25 and 20 °C, HF', () => {
    within(ppmToMgM3(1, 78.11, 25), 3.194, 0.1);
    within(ppmToMgM3(1, 78.11, 20), 3.248, 0.1);
    within(ppmToMgM3(1, 20.01, 25), 0.82, 0.5);
  });

  it('uses the molar volumes of the text and converts both ways', () => {
    within(molarVolumeLMol(25), 24.45, 0.1);
    within(molarVolumeLMol(20), 24.04, 0.1);
    within(molarVolumeLMol(0), 22.41, 0.1);
    within(molarVolumeLMol(25, 50.6625), 2 * 24.465, 0.01);
    expect(mgM3ToPpm(ppmToMgM3(12.5, CL2, 10), CL2, 10)).toBeCloseTo(12.5, 12);
  });
});

describe('Gaussian plume with Briggs sigmas: the worked chlorine example (dispersion.md §3.3)', () => {
  const d3 = { releaseKgS: 1, windSpeedMs: 3, stability: 'D', terrain: 'rural' } as const;

  it('gives σy 76.28 m and σz 37.95 m (D) and 38.14 m, 12.31 m (F) at 1 km', () => {
    const d = briggsSigmas('D', 1000, 'rural');
    within(d.sigmaYM, 76.28, 0.1);
    within(d.sigmaZM, 37.95, 0.1);
    const f = briggsSigmas('F', 1000, 'rural');
    within(f.sigmaYM, 38.14, 0.1);
    within(f.sigmaZM, 12.31, 0.1);
  });

  it('gives 12.64 ppm on the centreline at 1 km in class D, 3 m/s', () => {
    const c = plumeConcentration(d3, 1000);
    within(c, 3.666e-5, 1);
    within(mgM3ToPpm(c * 1e6, CL2), 12.64, 1);
  });

  it('gives 116.9 ppm at 1 km in class F, 2 m/s', () => {
    const c = plumeConcentration({ ...d3, windSpeedMs: 2, stability: 'F' }, 1000);
    within(mgM3ToPpm(c * 1e6, CL2), 116.9, 1);
  });

  it('reaches AEGL-3, -2 and -1 at 761, 3 265 and 8 916 m (bisection)', () => {
    const at = (ppm: number) => maxDistanceToLevelM(d3, ppmToMgM3(ppm, CL2) * 1e-6);
    within(at(20), 761, 1);
    within(at(2), 3265, 1);
    within(at(0.5), 8916, 1);
  });

  it('halves the concentration off the centreline where exp(−y²/2σy²) = 1/2', () => {
    const sy = briggsSigmas('D', 1000, 'rural').sigmaYM;
    const y = sy * Math.sqrt(2 * Math.LN2);
    within(plumeConcentration(d3, 1000, y), plumeConcentration(d3, 1000) / 2, 1e-9);
    expect(plumeConcentration(d3, -10)).toBe(0);
    const level = plumeConcentration(d3, 1000) / 2;
    within(plumeHalfWidthM(d3, 1000, level), y, 1e-9);
  });

  it('spreads faster over urban terrain than over open country', () => {
    const rural = briggsSigmas('D', 1000, 'rural');
    const urban = briggsSigmas('D', 1000, 'urban');
    expect(urban.sigmaYM).toBeGreaterThan(rural.sigmaYM);
    expect(urban.sigmaZM).toBeGreaterThan(rural.sigmaZM);
  });
});

describe('threat zones', () => {
  const chlorine = {
    substanceId: 'chlorine',
    releaseKgS: 1,
    windSpeedMs: 3,
    windFromDeg: 270,
    // overcast gives class D, the worked example's
    cloudOktas: 8,
    isDaytime: true,
  };

  it('draws red, orange and yellow at the AEGL-3/2/1 distances of the worked example', () => {
    const r = computeThreatZones(chlorine);
    expect(r.stability).toBe('D');
    expect(r.hazard).toBe('toxic');
    expect(r.zones.map((z) => [z.level, z.concern.name, z.concern.ppm])).toEqual([
      ['red', 'AEGL-3 (60 min)', 20],
      ['orange', 'AEGL-2 (60 min)', 2],
      ['yellow', 'AEGL-1 (60 min)', 0.5],
    ]);
    const [red, orange, yellow] = r.zones;
    within(red!.maxDistanceM, 761, 1);
    within(orange!.maxDistanceM, 3265, 1);
    within(yellow!.maxDistanceM, 8916, 1);
  });

  it('flags chlorine as a dense gas the Gaussian model underestimates', () => {
    const r = computeThreatZones(chlorine);
    expect(r.denseGas).toBe(true);
    expect(r.warnings.join(' ')).toMatch(/dense gas.*underestimates/);
    for (const id of ['hydrogen_fluoride', 'ammonia']) {
      expect(computeThreatZones({ ...chlorine, substanceId: id }).denseGas).toBe(true);
    }
    expect(computeThreatZones({ ...chlorine, substanceId: 'sour_gas' }).denseGas).toBe(false);
  });

  it('rotates the footprint downwind: a west wind carries the plume east', () => {
    const red = computeThreatZones(chlorine).zones[0]!;
    const ring = red.polygon;
    expect(ring[0]).toEqual([0, 0]);
    expect(ring.at(-1)).toEqual([0, 0]);
    const tip = ring.reduce((a, p) => (p[0] > a[0] ? p : a));
    within(tip[0], red.maxDistanceM, 0.01);
    expect(Math.abs(tip[1])).toBeLessThan(1e-3);
    expect(pointInPolygon(red.maxDistanceM / 2, 0, ring)).toBe(true);
    expect(pointInPolygon(red.maxDistanceM / 2, red.maxHalfWidthM * 1.1, ring)).toBe(false);
    expect(pointInPolygon(-50, 0, ring)).toBe(false);
    // counter-clockwise (GeoJSON exterior ring): positive shoelace area
    let area2 = 0;
    for (let i = 1; i < ring.length; i++)
      area2 += ring[i - 1]![0] * ring[i]![1] - ring[i]![0] * ring[i - 1]![1];
    expect(area2).toBeGreaterThan(0);
  });

  it('points the plume south for a north wind and south-west for a north-east wind', () => {
    const tip = (deg: number) => {
      const z = computeThreatZones({ ...chlorine, windFromDeg: deg }).zones[0]!;
      return z.polygon[(z.polygon.length - 1) / 2]!;
    };
    const n = tip(0);
    expect(n[0]).toBeCloseTo(0, 2);
    expect(n[1]).toBeLessThan(-700);
    const ne = tip(45);
    expect(ne[0]).toBeLessThan(-500);
    expect(ne[0]).toBeCloseTo(ne[1], 1);
  });

  it('makes zones longer at night in light wind (class F) than on an overcast day', () => {
    const night = computeThreatZones({
      ...chlorine,
      windSpeedMs: 1.5,
      cloudOktas: 0,
      isDaytime: false,
    });
    expect(night.stability).toBe('F');
    expect(night.zones[0]!.maxDistanceM).toBeGreaterThan(3000);
    expect(night.warnings.join(' ')).toMatch(/beyond 10 km/);
  });

  it('uses a mixture’s toxic component: sour gas is zoned for its hydrogen sulfide', () => {
    const r = computeThreatZones({ ...chlorine, substanceId: 'sour_gas', releaseKgS: 10 });
    expect(r.zones[0]!.concern).toMatchObject({ ppm: 50 });
    expect(r.zones[0]!.concern.name).toMatch(/AEGL-3.*Hydrogen sulfide/);
    // 2 mol % H2S in a 17.7 g/mol gas is 3.85 % of the mass
    const pure = computeThreatZones({
      ...chlorine,
      substanceId: 'hydrogen_sulfide',
      releaseKgS: (10 * 0.02 * 34.08) / 17.7,
    });
    within(r.zones[0]!.maxDistanceM, pure.zones[0]!.maxDistanceM, 1e-6);
  });

  it('gives flammables without toxic levels 60 % and 10 % LFL zones, and says so', () => {
    const r = computeThreatZones({ ...chlorine, substanceId: 'ethylene', releaseKgS: 5 });
    expect(r.hazard).toBe('flammable');
    expect(r.zones.map((z) => [z.level, z.concern.name, z.concern.ppm])).toEqual([
      ['red', '60 % LFL', 16_200],
      ['yellow', '10 % LFL', 2_700],
    ]);
    expect(r.warnings.join(' ')).toMatch(/no toxic levels of concern/);
    const lfl = ppmToMgM3(27_000, 28.05) * 1e-6;
    const plume = { releaseKgS: 5, windSpeedMs: 3, stability: 'D', terrain: 'rural' } as const;
    within(r.zones[1]!.maxDistanceM, maxDistanceToLevelM(plume, lfl * 0.1), 1e-6);
  });

  it('gives no zones for steam, with a note, and none for a zero release', () => {
    const steam = computeThreatZones({ ...chlorine, substanceId: 'steam' });
    expect(steam.zones).toEqual([]);
    expect(steam.hazard).toBeNull();
    expect(steam.warnings.join(' ')).toMatch(/no toxic levels of concern and is not flammable/);
    expect(computeThreatZones({ ...chlorine, releaseKgS: 0 }).zones).toEqual([]);
  });

  it('takes levels passed in, an explicit class, and calm wind at 1 m/s with a warning', () => {
    const r = computeThreatZones({
      ...chlorine,
      windSpeedMs: 0.3,
      stability: 'D',
      levels: [{ level: 'red', name: 'IDLH', ppm: 10 }],
    });
    expect(r.windSpeedMs).toBe(1);
    expect(r.warnings.join(' ')).toMatch(/below 1 m\/s/);
    expect(r.zones.map((z) => z.concern.name)).toEqual(['IDLH']);
    const plume = { releaseKgS: 1, windSpeedMs: 1, stability: 'D', terrain: 'rural' } as const;
    within(r.zones[0]!.maxDistanceM, maxDistanceToLevelM(plume, ppmToMgM3(10, CL2) * 1e-6), 1e-6);
  });

  it('refuses an unknown substance and a negative release', () => {
    expect(() => computeThreatZones({ ...chlorine, substanceId: 'unobtainium' })).toThrow(
      /unknown substance/,
    );
    expect(() => computeThreatZones({ ...chlorine, releaseKgS: -1 })).toThrow(/release rate/);
  });
});

describe('exposed assets', () => {
  it('lists the segments that enter each zone and the companies whose plots overlap it', () => {
    const r = computeThreatZones({
      substanceId: 'chlorine',
      releaseKgS: 1,
      windSpeedMs: 3,
      windFromDeg: 270,
      cloudOktas: 8,
      isDaytime: true,
    });
    const source: [number, number] = [1000, 500];
    const segments = [
      // crosses the plume 500 m downwind, no vertex inside
      {
        id: 'cross',
        companyId: 'a',
        path: [
          [1500, 0, 5],
          [1500, 1000, 5],
        ] as [number, number, number][],
      },
      // 2 km downwind: orange and yellow only
      {
        id: 'far',
        companyId: 'b',
        path: [
          [3000, 490],
          [3000, 510],
        ] as [number, number][],
      },
      // upwind
      {
        id: 'upwind',
        companyId: 'c',
        path: [
          [900, 500],
          [800, 500],
        ] as [number, number][],
      },
    ];
    const plots = [
      {
        companyId: 'a',
        polygon: [
          [1400, 480],
          [1420, 480],
          [1420, 520],
          [1400, 520],
        ] as [number, number][],
      },
      // a plot that encloses the whole red zone without a vertex inside it
      {
        companyId: 'big',
        polygon: [
          [0, -1000],
          [2000, -1000],
          [2000, 2000],
          [0, 2000],
        ] as [number, number][],
      },
      {
        companyId: 'c',
        polygon: [
          [0, 0],
          [100, 0],
          [100, 100],
        ] as [number, number][],
      },
    ];
    const out = exposedAssets(source, r.zones, segments, plots);
    expect(out).toEqual([
      { level: 'red', segmentIds: ['cross'], companyIds: ['a', 'big'] },
      { level: 'orange', segmentIds: ['cross', 'far'], companyIds: ['a', 'big'] },
      { level: 'yellow', segmentIds: ['cross', 'far'], companyIds: ['a', 'big'] },
    ]);
  });
});
