import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generatePlant } from './generator';
import { PlantImportError, importGeoJson, type PlantImportIssue } from './geojson-import';
import type { PlantModel } from './model';

type Json = Record<string, unknown>;

/** The complete example of docs/plant-geojson.md: the documentation must import as shown. */
function documentedExample(): Json {
  const doc = readFileSync(new URL('../../../docs/plant-geojson.md', import.meta.url), 'utf8');
  const block = /## Complete example[\s\S]*?```json\n([\s\S]*?)\n```/.exec(doc);
  if (!block) throw new Error('docs/plant-geojson.md has no complete example');
  return JSON.parse(block[1]!) as Json;
}

function segment(id: string, line: string, coordinates: number[][], extra: Json = {}): Json {
  return {
    type: 'Feature',
    geometry: { type: 'LineString', coordinates },
    properties: {
      id,
      line,
      company: 'hnb',
      substance: 'naphtha',
      diameter_mm: 219.1,
      wall_mm: 8.18,
      material: 'carbon_steel',
      install_year: 1985,
      design_pressure_kpa: 1500,
      design_temp_c: 60,
      placement: 'rack',
      ...extra,
    },
  };
}

function point(coordinates: number[], properties: Json): Json {
  return { type: 'Feature', geometry: { type: 'Point', coordinates }, properties };
}

function collection(features: unknown[], complextwin?: Json): Json {
  return { type: 'FeatureCollection', ...(complextwin ? { complextwin } : {}), features };
}

/** A three-segment naphtha line from (0,0) east and north, listed as given. */
const RUN = [
  segment('S-1', 'L-1', [
    [0, 0],
    [100, 0],
  ]),
  segment('S-2', 'L-1', [
    [100, 0],
    [100, 80],
    [200, 80],
  ]),
  segment('S-3', 'L-1', [
    [200, 80],
    [300, 80],
  ]),
];

function problems(input: unknown): PlantImportIssue[] {
  try {
    importGeoJson(input);
  } catch (e) {
    if (e instanceof PlantImportError) return [...e.errors];
    throw e;
  }
  throw new Error('expected the import to fail');
}

describe('importGeoJson', () => {
  it('imports the documented example with its connectivity and generated sensors', () => {
    const model = importGeoJson(JSON.stringify(documentedExample()));
    expect(model.meta).toEqual({ source: 'geojson', seed: null, size: null, version: 1 });
    expect(model.lines.map((l) => l.id)).toEqual(['hnb-l0042', 'ops-w0007']);
    const benzene = model.segments.filter((s) => s.lineId === 'hnb-l0042');
    expect(benzene.map((s) => [s.id, s.order])).toEqual([
      ['HNB-S-0042-01', 0],
      ['HNB-S-0042-02', 1],
      ['HNB-S-0042-03', 2],
    ]);
    expect(benzene[1]!.fromNodeId).toBe(benzene[0]!.toNodeId);
    expect(benzene[2]!.fromNodeId).toBe(benzene[1]!.toNodeId);
    expect(benzene[0]!.lengthM).toBeCloseTo(7 + 120 + 150, 9);
    expect(benzene[1]!.corrosionAllowanceMm).toBe(3);
    expect(benzene[0]!.corrosionAllowanceMm).toBe(1.6);
    expect(benzene[0]!.pipingClass).toBe(2);

    const pump = model.equipment.find((e) => e.kind === 'pump')!;
    expect(pump.nodeId).toBe(benzene[0]!.fromNodeId);
    expect(pump.machineGroup).toBe(2);
    const outlet = model.equipment.filter((e) => e.nodeId === benzene[2]!.toNodeId);
    expect(outlet.map((e) => e.kind).sort()).toEqual(['tank', 'valve']);
    expect(outlet.find((e) => e.kind === 'valve')!.position).toEqual([480, 440, 1]);
    expect(model.nodes.find((n) => n.id === benzene[0]!.fromNodeId)!.kind).toBe('equipment');

    // Undeclared line: derived from its segments with the documented defaults.
    const water = model.lines.find((l) => l.id === 'ops-w0007')!;
    expect(water).toMatchObject({
      companyId: 'complex-ops',
      substanceId: 'water',
      inletPressureKpa: 1000,
    });
    expect(model.segments.find((s) => s.id === 'OPS-S-0007-01')!.path[0]).toEqual([0, 100, -1.5]);

    // Generated sensors: 3 per segment + 2 at each line's outlet, 5 on the pump.
    expect(model.sensors).toHaveLength(3 * 3 + 2 + 3 * 2 + 2 + 5);
    expect(model.devices.map((d) => `${d.id} ${d.kind}`)).toEqual([
      'hnb-l0042 rtu',
      'ops-w0007 rtu',
      'hnb-p-0042-cm condition_monitor',
    ]);
    const outletPt = model.sensors.find((s) => s.tag === 'HNB-L-0042-PT-04')!;
    expect(outletPt.segmentId).toBe('HNB-S-0042-03');
    expect(outletPt.positionM).toBeCloseTo(benzene[2]!.lengthM - 1, 6);

    const hnb = model.companies.find((c) => c.id === 'hnb')!;
    expect(hnb.plot).toEqual([
      [80, 180],
      [520, 180],
      [520, 480],
      [80, 480],
    ]);
    expect(model.companies.find((c) => c.id === 'complex-ops')!.plot).toHaveLength(4);
    expect(model.site.origin).toEqual({ lat: 34.83, lon: 127.66 });
    expect(model.site.bounds).toEqual({ min: [-10, 40, -1.5], max: [600, 480, 8] });
  });

  it('orders segments by connectivity, whatever their order in the file', () => {
    const model = importGeoJson(collection([RUN[2], RUN[0], RUN[1]]));
    const segs = [...model.segments].sort((a, b) => a.order - b.order);
    expect(segs.map((s) => s.id)).toEqual(['S-1', 'S-2', 'S-3']);
    expect(segs[0]!.toNodeId).toBe(segs[1]!.fromNodeId);
    expect(model.nodes.filter((n) => n.kind === 'terminal')).toHaveLength(2);
  });

  it('joins ends within the snap tolerance and runs the paths exactly from node to node', () => {
    const nudged = segment('S-2', 'L-1', [
      [100.3, 0.2],
      [100, 80],
      [200, 80],
    ]);
    const model = importGeoJson(collection([RUN[0], nudged, RUN[2]]));
    const s2 = model.segments.find((s) => s.id === 'S-2')!;
    expect(s2.path[0]).toEqual([100, 0, 8]);
    expect(() =>
      importGeoJson(collection([RUN[0], nudged, RUN[2]]), { snapToleranceM: 0.1 }),
    ).toThrow(/does not connect/);
  });

  it('lets a branch line start at a node of another line', () => {
    const branch = segment('S-9', 'L-2', [
      [100, 0],
      [100, -90],
    ]);
    const model = importGeoJson(collection([...RUN, branch]));
    const s9 = model.segments.find((s) => s.id === 'S-9')!;
    expect(s9.fromNodeId).toBe(model.segments.find((s) => s.id === 'S-1')!.toNodeId);
  });

  it('accepts a parsed object as well as text with a byte-order mark', () => {
    expect(importGeoJson(collection(RUN)).segments).toHaveLength(3);
    expect(importGeoJson('\ufeff' + JSON.stringify(collection(RUN))).segments).toHaveLength(3);
  });

  it('uses the listed sensors instead of generating any', () => {
    const model: PlantModel = importGeoJson(
      collection([
        ...RUN,
        point([150, 80], {
          kind: 'sensor',
          tag: 'HNB-21-PT-1001',
          company: 'hnb',
          device: 'rtu-7',
          quantity: 'pressure',
          segment: 'S-2',
        }),
        point([10, 10], {
          kind: 'sensor',
          tag: 'HNB-WX-1',
          company: 'hnb',
          device: 'wx-1',
          quantity: 'wind_speed',
        }),
      ]),
    );
    expect(model.sensors.map((s) => [s.tag, s.unit, s.positionM])).toEqual([
      ['HNB-21-PT-1001', 'kPa', 130],
      ['HNB-WX-1', 'm/s', null],
    ]);
    expect(model.devices.map((d) => `${d.id} ${d.kind}`)).toEqual([
      'rtu-7 rtu',
      'wx-1 weather_station',
    ]);
  });

  it('reports invalid JSON text with its line, column and position', () => {
    const text = '{\n  "type": "FeatureCollection",\n  "features": [}\n}';
    const [issue, ...rest] = problems(text);
    expect(rest).toHaveLength(0);
    expect(issue).toEqual({
      feature: null,
      path: '',
      message: `invalid JSON at line 3, column 16 (character 48): expected a value, found "}"`,
    });
    expect(problems('{"type": "FeatureCollection",}')[0]!.message).toMatch(
      /column 30 .*property name/,
    );
  });

  it('reports a document that is not a FeatureCollection', () => {
    expect(problems({ type: 'Feature', geometry: null })).toEqual([
      {
        feature: null,
        path: 'type',
        message: 'expected a GeoJSON FeatureCollection, got an object with "type": "Feature"',
      },
    ]);
    expect(problems([1, 2])[0]!.message).toBe(
      'expected a GeoJSON FeatureCollection, got an array of 2',
    );
    expect(problems({ type: 'FeatureCollection', features: 3 })[0]!.path).toBe('features');
  });

  it('reports a bad number with the feature index, the property and the value found', () => {
    const bad = segment(
      'S-9',
      'L-1',
      [
        [300, 80],
        [400, 80],
      ],
      { diameter_mm: 'abc' },
    );
    let error: unknown;
    try {
      importGeoJson(collection([...RUN, bad]));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PlantImportError);
    const e = error as PlantImportError;
    expect(e.errors).toEqual([
      {
        feature: 3,
        path: 'properties.diameter_mm',
        message: 'expected a number between 10 and 2000, got "abc"',
      },
    ]);
    expect(e.message).toContain(
      'feature 3 (segment S-9): properties.diameter_mm: expected a number between 10 and 2000, got "abc"',
    );
  });

  it('lists the allowed substances for an unknown one', () => {
    const [issue] = problems(
      collection([
        segment(
          'S-1',
          'L-1',
          [
            [0, 0],
            [100, 0],
          ],
          { substance: 'benzol' },
        ),
      ]),
    );
    expect(issue!.feature).toBe(0);
    expect(issue!.path).toBe('properties.substance');
    expect(issue!.message).toBe(
      'unknown substance "benzol"; allowed: benzene, ammonia, chlorine, sour_gas, hydrogen_sulfide, hydrogen_fluoride, naphtha, ethylene, propylene, lpg, hydrogen, steam, water',
    );
  });

  it('reports a repeated segment id once, naming the first feature', () => {
    const again = segment('S-2', 'L-9', [
      [500, 500],
      [600, 500],
    ]);
    expect(problems(collection([...RUN, again]))).toEqual([
      { feature: 3, path: 'properties.id', message: 'duplicate segment id "S-2" (also feature 1)' },
    ]);
  });

  it('reports a LineString with fewer than two points', () => {
    expect(problems(collection([RUN[0], segment('S-2', 'L-2', [[100, 0]])]))).toEqual([
      {
        feature: 1,
        path: 'geometry.coordinates',
        message: 'a LineString needs at least 2 points, got 1',
      },
    ]);
  });

  it('reports coordinates that are not finite numbers', () => {
    const issues = problems(
      collection([
        segment('S-1', 'L-1', [
          [0, 0],
          [Infinity, 0],
          [100, Number.NaN],
        ]),
      ]),
    );
    expect(issues.map((i) => `${i.feature} ${i.path}: ${i.message}`)).toEqual([
      '0 geometry.coordinates[1][0]: expected a finite number (site metres), got Infinity',
      '0 geometry.coordinates[2][1]: expected a finite number (site metres), got NaN',
    ]);
    // 1e999 in JSON text parses to Infinity.
    const text = JSON.stringify(collection([RUN[0]])).replace('[100,0]', '[1e999,0]');
    expect(problems(text)[0]!.message).toMatch(/finite number .* got Infinity/);
  });

  it('reports a line whose segments do not connect, with the gap', () => {
    const apart = segment('S-3', 'L-1', [
      [203, 80],
      [300, 80],
    ]);
    const [issue, ...rest] = problems(collection([RUN[0], RUN[1], apart]));
    expect(rest).toHaveLength(0);
    expect(issue!.feature).toBe(2);
    expect(issue!.message).toBe(
      'line "L-1" does not connect: its segments fall into 2 separate runs; the nearest gap is 3.00 m between the end of segment "S-2" at (200, 80) and the start of segment "S-3" at (203, 80) (ends closer than 0.5 m are joined)',
    );
  });

  it('reports a line that branches and a segment drawn against the flow', () => {
    const branch = segment('S-4', 'L-1', [
      [100, 0],
      [100, -50],
    ]);
    expect(problems(collection([...RUN, branch]))[0]!.message).toMatch(
      /^line "L-1" branches at \(100, 0\): segments "S-2" and "S-4" both start there/,
    );
    const backwards = segment('S-3', 'L-1', [
      [300, 80],
      [200, 80],
    ]);
    const [issue] = problems(collection([RUN[0], RUN[1], backwards]));
    expect(issue!.feature).toBe(2);
    expect(issue!.message).toMatch(
      /segments "S-2" and "S-3" both end at \(200, 80\); draw every segment in the direction of flow/,
    );
  });

  it('reports segments that disagree with their line, and undeclared companies', () => {
    const issues = problems(
      collection(
        [
          RUN[0],
          segment(
            'S-2',
            'L-1',
            [
              [100, 0],
              [200, 0],
            ],
            { substance: 'benzene' },
          ),
          segment(
            'S-3',
            'L-1',
            [
              [200, 0],
              [300, 0],
            ],
            { company: 'xyz' },
          ),
        ],
        { companies: [{ id: 'hnb', name: 'Hanbit Petrochemical', short_name: 'HNB' }] },
      ),
    );
    expect(issues).toEqual([
      {
        feature: 1,
        path: 'properties.substance',
        message: 'line "L-1" carries naphtha, not benzene',
      },
      {
        feature: 2,
        path: 'properties.company',
        message: 'unknown company "xyz"; declared companies: hnb',
      },
    ]);
  });

  it('reports problems in the complextwin member by their place there', () => {
    const issues = problems(
      collection(RUN, {
        companies: [
          { id: 'hnb', name: 'Hanbit', short_name: 'Hanbit' },
          { id: 'hnb', name: 'Again', short_name: 'HNB' },
        ],
      }),
    );
    expect(issues).toEqual([
      {
        feature: null,
        path: 'complextwin.companies[0].short_name',
        message: 'expected 3 to 5 capital letters, got "Hanbit"',
      },
      {
        feature: null,
        path: 'complextwin.companies[1].id',
        message: 'duplicate id "hnb" (also complextwin.companies[0])',
      },
    ]);
  });

  it('reports coordinates given in longitude and latitude', () => {
    const degrees = [
      segment('S-1', 'L-1', [
        [127.66, 34.83],
        [127.661, 34.83],
      ]),
      segment('S-2', 'L-1', [
        [127.661, 34.83],
        [127.662, 34.831],
      ]),
    ];
    expect(problems(collection(degrees))[0]!.message).toMatch(/look like longitude and latitude/);
  });

  it('reports every problem of a file in one error, in feature order', () => {
    const issues = problems(
      collection([
        RUN[0],
        segment(
          'S-2',
          'L-1',
          [
            [100, 0],
            [200, 0],
          ],
          { wall_mm: 150, material: 'brass' },
        ),
        {
          type: 'Feature',
          geometry: { type: 'Polygon', coordinates: [] },
          properties: { kind: 'pond' },
        },
        point([0, 0], { kind: 'pump', id: 'P-1', company: 'hnb' }),
        segment('S-1', 'L-1', [
          [0, 0],
          [10, 10],
        ]),
        point([5, 5], { kind: 'heater', id: 'H-1' }),
      ]),
    );
    expect(issues.map((i) => `${i.feature} ${i.path}`)).toEqual([
      '1 properties.wall_mm',
      '1 properties.material',
      '1 properties.wall_mm',
      '2 geometry.coordinates',
      '2 properties.kind',
      '2 properties.company',
      '3 properties.tag',
      '4 properties.id',
      '5 properties.kind',
    ]);
    expect(issues[1]!.message).toBe(
      'unknown material "brass"; allowed: carbon_steel, stainless_304, stainless_316, low_alloy_steel',
    );
    expect(issues.find((i) => i.feature === 4)!.message).toBe(
      'duplicate segment id "S-1" (also feature 0)',
    );
  });

  it('reports a device with more than 1000 sensors', () => {
    const sensors = Array.from({ length: 1001 }, (_, k) =>
      point([50, 0], {
        kind: 'sensor',
        tag: `HNB-PT-${k}`,
        company: 'hnb',
        device: 'rtu-1',
        quantity: 'pressure',
        segment: 'S-1',
      }),
    );
    const issues = problems(collection([...RUN, ...sensors]));
    expect(issues).toHaveLength(1);
    expect(issues[0]!.feature).toBe(3 + 1000);
    expect(issues[0]!.message).toMatch(/more than 1000 sensors/);
  });
});

describe('importGeoJson on a generated complex', () => {
  it('reads back a generated complex written out in the documented format', () => {
    const plant = generatePlant({ seed: 5, size: 'small' });
    const features = [
      ...plant.segments.map((s) => ({
        type: 'Feature',
        geometry: { type: 'LineString', coordinates: s.path },
        properties: {
          id: s.id,
          line: s.lineId,
          company: s.companyId,
          substance: s.substanceId,
          diameter_mm: s.diameterMm,
          wall_mm: s.wallMm,
          material: s.material,
          install_year: s.installYear,
          design_pressure_kpa: s.designPressureKpa,
          design_temp_c: s.designTempC,
          placement: s.placement,
        },
      })),
      ...plant.equipment.map((e) =>
        point(e.position, {
          kind: e.kind,
          id: e.id,
          tag: e.tag,
          company: e.companyId,
          line: e.lineId ?? undefined,
        }),
      ),
    ];
    const companies = plant.companies.map((c) => ({
      id: c.id,
      name: c.name,
      short_name: c.shortName,
      area: c.areaId,
      plot: c.plot,
    }));
    const model = importGeoJson(
      JSON.stringify(collection(features, { areas: plant.areas, companies })),
    );
    expect(model.lines.map((l) => l.id).sort()).toEqual(plant.lines.map((l) => l.id).sort());
    const order = (m: PlantModel): string[] => m.segments.map((s) => `${s.id}@${s.order}`).sort();
    expect(order(model)).toEqual(order(plant));
    for (const s of model.segments) {
      expect(s.lengthM).toBeCloseTo(plant.segments.find((g) => g.id === s.id)!.lengthM, 6);
    }
    // Generated sensors follow the generator's rules: the same number on the same segments.
    expect(model.sensors.filter((s) => s.segmentId).length).toBe(
      plant.sensors.filter((s) => s.segmentId).length,
    );
    // Tank points are tank centres, off the nozzle node; everything else sits on its node.
    const loose = model.equipment.filter((e) => e.nodeId === null).map((e) => e.kind);
    expect(new Set(loose)).toEqual(new Set(['tank']));
    const attached = (m: PlantModel): number =>
      m.equipment.filter((e) => e.kind !== 'tank' && e.nodeId).length;
    expect(attached(model)).toBe(attached(plant));
  });
});
