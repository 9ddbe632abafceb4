import { beforeAll, describe, expect, it } from 'vitest';
import { generatePlant } from './generator';
import { plantSummary, polylineLength } from './geometry';
import type { PlantModel, Segment, Vec3 } from './model';
import { NPS_OUTSIDE_DIAMETERS_MM } from './pipe-sizes';
import { SUBSTANCE_IDS, substanceById } from './substances';

import { SENSOR_TAG_PATTERN as SENSOR_TAG, TOPIC_ID_PATTERN as TOPIC_ID } from '@ct/contracts';

let plant: PlantModel;
let small: PlantModel;

beforeAll(() => {
  plant = generatePlant({ seed: 42, size: 'default' });
  small = generatePlant({ seed: 42, size: 'small' });
});

function byLine(model: PlantModel): Map<string, Segment[]> {
  const out = new Map<string, Segment[]>();
  for (const s of model.segments) {
    const list = out.get(s.lineId) ?? [];
    list.push(s);
    out.set(s.lineId, list);
  }
  for (const list of out.values()) list.sort((a, b) => a.order - b.order);
  return out;
}

describe('generatePlant', () => {
  it('gives the same complex for the same seed and size', () => {
    const again = generatePlant({ seed: 42, size: 'default' });
    expect(JSON.stringify(again)).toBe(JSON.stringify(plant));
  });

  it('gives a different complex for a different seed', () => {
    const other = generatePlant({ seed: 43, size: 'default' });
    expect(other.companies.map((c) => c.name)).not.toEqual(plant.companies.map((c) => c.name));
    expect(other.segments[0]!.path).not.toEqual(plant.segments[0]!.path);
  });

  it('lands the default size within 5 % of 5,000 segments and 15,000 sensors', () => {
    expect(plant.segments.length).toBeGreaterThanOrEqual(4750);
    expect(plant.segments.length).toBeLessThanOrEqual(5250);
    expect(plant.sensors.length).toBeGreaterThanOrEqual(14250);
    expect(plant.sensors.length).toBeLessThanOrEqual(15750);
  });

  it('lands the small size between 200 and 400 segments', () => {
    expect(small.segments.length).toBeGreaterThanOrEqual(200);
    expect(small.segments.length).toBeLessThanOrEqual(400);
  });

  it('generates the default size in well under a second', () => {
    const t0 = performance.now();
    generatePlant({ seed: 7, size: 'default' });
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('spans a coastal site of about 6 km by 4 km with the sea to the south', () => {
    const { min, max } = plant.site.bounds;
    expect(max[0] - min[0]).toBeGreaterThan(5000);
    expect(max[0] - min[0]).toBeLessThan(7500);
    expect(max[1] - min[1]).toBeGreaterThan(3000);
    expect(max[1] - min[1]).toBeLessThan(5000);
    const coastMaxY = Math.max(...plant.site.coastline.map((p) => p[1]));
    expect(plant.site.coastline.length).toBeGreaterThan(2);
    for (const c of plant.companies) {
      for (const p of c.plot) expect(p[1]).toBeGreaterThan(coastMaxY);
    }
    // The jetty reaches past the coastline into the sea.
    const jettyHeads = plant.nodes.filter((n) => n.position[1] < coastMaxY);
    expect(jettyHeads.length).toBeGreaterThan(0);
  });

  it('has at least twelve companies besides complex-ops, with unique 3-5 letter short names', () => {
    const others = plant.companies.filter((c) => c.id !== 'complex-ops');
    expect(plant.companies.some((c) => c.id === 'complex-ops')).toBe(true);
    expect(others.length).toBeGreaterThanOrEqual(12);
    expect(small.companies.filter((c) => c.id !== 'complex-ops').length).toBeGreaterThanOrEqual(12);
    const shorts = plant.companies.map((c) => c.shortName);
    for (const s of shorts) expect(s).toMatch(/^[A-Z]{3,5}$/);
    expect(new Set(shorts).size).toBe(shorts.length);
    expect(new Set(plant.companies.map((c) => c.name)).size).toBe(plant.companies.length);
    expect(plant.areas.length).toBeGreaterThanOrEqual(4);
    expect(plant.areas.length).toBeLessThanOrEqual(6);
  });

  it('resolves every id that a record refers to', () => {
    const ids = <T extends { id: string }>(xs: T[]): Set<string> => new Set(xs.map((x) => x.id));
    const companies = ids(plant.companies);
    const areas = ids(plant.areas);
    const lines = ids(plant.lines);
    const nodes = ids(plant.nodes);
    const segments = ids(plant.segments);
    const equipment = ids(plant.equipment);
    const devices = ids(plant.devices);
    for (const set of [lines, nodes, segments, equipment, devices])
      expect(set.size).toBeGreaterThan(0);
    expect(lines.size).toBe(plant.lines.length);
    expect(nodes.size).toBe(plant.nodes.length);
    expect(segments.size).toBe(plant.segments.length);
    expect(equipment.size).toBe(plant.equipment.length);
    expect(devices.size).toBe(plant.devices.length);
    for (const c of plant.companies) expect(areas.has(c.areaId)).toBe(true);
    for (const l of plant.lines) {
      expect(companies.has(l.companyId)).toBe(true);
      expect(areas.has(l.areaId)).toBe(true);
    }
    for (const n of plant.nodes) expect(companies.has(n.companyId)).toBe(true);
    for (const s of plant.segments) {
      expect(nodes.has(s.fromNodeId) && nodes.has(s.toNodeId)).toBe(true);
      expect(lines.has(s.lineId) && companies.has(s.companyId) && areas.has(s.areaId)).toBe(true);
    }
    for (const e of plant.equipment) {
      expect(companies.has(e.companyId) && areas.has(e.areaId)).toBe(true);
      if (e.lineId !== null) expect(lines.has(e.lineId)).toBe(true);
      if (e.nodeId !== null) expect(nodes.has(e.nodeId)).toBe(true);
    }
    for (const d of plant.devices)
      expect(companies.has(d.companyId) && areas.has(d.areaId)).toBe(true);
    for (const s of plant.sensors) {
      expect(devices.has(s.deviceId) && companies.has(s.companyId)).toBe(true);
      if (s.segmentId !== null) expect(segments.has(s.segmentId)).toBe(true);
      if (s.equipmentId !== null) expect(equipment.has(s.equipmentId)).toBe(true);
    }
  });

  it('chains the segments of each line through shared nodes, in order from the inlet', () => {
    const nodeById = new Map(plant.nodes.map((n) => [n.id, n]));
    for (const [lineId, segs] of byLine(plant)) {
      const line = plant.lines.find((l) => l.id === lineId)!;
      segs.forEach((s, i) => {
        expect(s.order).toBe(i);
        expect(s.substanceId).toBe(line.substanceId);
        expect(s.companyId).toBe(line.companyId);
        if (i > 0) expect(s.fromNodeId).toBe(segs[i - 1]!.toNodeId);
        expect(s.path[0]).toEqual(nodeById.get(s.fromNodeId)!.position);
        expect(s.path[s.path.length - 1]).toEqual(nodeById.get(s.toNodeId)!.position);
      });
    }
  });

  it('sets each segment length to its polyline length, between 50 and 600 m', () => {
    for (const s of plant.segments) {
      expect(s.path.length).toBeGreaterThanOrEqual(2);
      expect(s.lengthM).toBeCloseTo(polylineLength(s.path), 9);
      expect(s.lengthM).toBeGreaterThanOrEqual(50);
      expect(s.lengthM).toBeLessThanOrEqual(600);
    }
  });

  it('routes every path in straight runs with right-angle bends', () => {
    const axesMoved = (a: Vec3, b: Vec3): number =>
      [0, 1, 2].filter((k) => Math.abs(a[k]! - b[k]!) > 1e-6).length;
    for (const s of plant.segments) {
      for (let i = 1; i < s.path.length; i++) expect(axesMoved(s.path[i - 1]!, s.path[i]!)).toBe(1);
    }
  });

  it('puts racks at 6-12 m, sleepers at 0.5 m and buried pipe at -1.5 m', () => {
    const placements = new Set(plant.segments.map((s) => s.placement));
    expect([...placements].sort()).toEqual(['buried', 'rack', 'sleeper']);
    for (const s of plant.segments) {
      // The level a segment runs at is its most common height; risers run from the 1 m nozzles.
      const zs = s.path.map((p) => p[2]);
      const level = s.placement === 'rack' ? Math.max(...zs) : Math.min(...zs);
      if (s.placement === 'buried') expect(level).toBe(-1.5);
      if (s.placement === 'sleeper') expect(level).toBeLessThanOrEqual(0.5);
      if (s.placement === 'rack') {
        expect(level).toBeGreaterThanOrEqual(6);
        expect(level).toBeLessThanOrEqual(12);
      }
    }
    const corridorZ = new Set(
      plant.segments
        .filter((s) => s.placement === 'rack')
        .map((s) => Math.max(...s.path.map((p) => p[2]))),
    );
    expect(corridorZ.size).toBeGreaterThanOrEqual(4);
  });

  it('uses NPS outside diameters from 50 to 900 mm with walls that fit them', () => {
    const sizes = new Set(plant.segments.map((s) => s.diameterMm));
    expect(sizes.size).toBeGreaterThanOrEqual(10);
    for (const s of plant.segments) {
      expect(NPS_OUTSIDE_DIAMETERS_MM).toContain(s.diameterMm);
      expect(s.diameterMm).toBeGreaterThanOrEqual(50);
      expect(s.diameterMm).toBeLessThanOrEqual(900);
      expect(s.wallMm).toBeGreaterThan(2);
      expect(s.wallMm).toBeLessThan(s.diameterMm / 4);
    }
  });

  it('takes materials, allowances, design values and piping class from the service', () => {
    const materials = new Map<string, number>();
    for (const s of plant.segments) materials.set(s.material, (materials.get(s.material) ?? 0) + 1);
    expect(materials.get('carbon_steel')! / plant.segments.length).toBeGreaterThan(0.6);
    expect(materials.size).toBeGreaterThanOrEqual(3);
    const line = new Map(plant.lines.map((l) => [l.id, l]));
    for (const s of plant.segments) {
      const stainless = s.material === 'stainless_304' || s.material === 'stainless_316';
      if (stainless) expect(s.corrosionAllowanceMm).toBe(0);
      else expect(s.corrosionAllowanceMm).toBeGreaterThanOrEqual(1.6);
      expect(s.pipingClass).toBe(substanceById(s.substanceId).pipingClass);
      expect(s.designPressureKpa).toBeGreaterThan(line.get(s.lineId)!.inletPressureKpa);
      if (s.designTempC < 0) expect(s.material).toBe('stainless_304');
    }
  });

  it('dates pipe from 1972 to 2025 with more than half the length older than 20 years', () => {
    for (const s of plant.segments) {
      expect(Number.isInteger(s.installYear)).toBe(true);
      expect(s.installYear).toBeGreaterThanOrEqual(1972);
      expect(s.installYear).toBeLessThanOrEqual(2025);
    }
    expect(plantSummary(plant, 2025).shareOlderThan20y).toBeGreaterThan(0.5);
    expect(plantSummary(plant, 2025).shareOlderThan20y).toBeLessThan(0.95);
  });

  it('uses every substance in the catalogue', () => {
    const used = new Set(plant.lines.map((l) => l.substanceId));
    expect([...used].sort()).toEqual([...SUBSTANCE_IDS].sort());
    expect(new Set(small.lines.map((l) => l.substanceId)).size).toBe(SUBSTANCE_IDS.length);
    expect(plant.substances.map((s) => s.id)).toEqual([...SUBSTANCE_IDS]);
  });

  it('runs lines between companies along the road racks, isolated where they enter a plot', () => {
    const company = new Map(plant.companies.map((c) => [c.id, c]));
    const inside = (p: Vec3, plot: [number, number][]): boolean => {
      const xs = plot.map((q) => q[0]);
      const ys = plot.map((q) => q[1]);
      return (
        p[0] > Math.min(...xs) &&
        p[0] < Math.max(...xs) &&
        p[1] > Math.min(...ys) &&
        p[1] < Math.max(...ys)
      );
    };
    let crossings = 0;
    for (const [lineId, segs] of byLine(plant)) {
      const owner = company.get(plant.lines.find((l) => l.id === lineId)!.companyId)!;
      const last = segs[segs.length - 1]!;
      const end = last.path[last.path.length - 1]!;
      const consumer = plant.companies.find((c) => c !== owner && inside(end, c.plot));
      if (!consumer) continue;
      crossings++;
      // The first segment inside the consumer's plot starts on its edge, at an isolation valve.
      const entry = segs.find(
        (s) =>
          inside(s.path[s.path.length - 1]!, consumer.plot) && !inside(s.path[0]!, consumer.plot),
      );
      expect(entry).toBeDefined();
      const [x, y] = entry!.path[0]!;
      const onEdge = consumer.plot.some(
        (q) => Math.abs(q[0] - x) < 1e-6 || Math.abs(q[1] - y) < 1e-6,
      );
      expect(onEdge).toBe(true);
      const valves = plant.equipment.filter(
        (e) => e.nodeId === entry!.fromNodeId && e.kind === 'valve',
      );
      expect(valves.some((v) => v.isolation === true)).toBe(true);
    }
    expect(crossings).toBeGreaterThanOrEqual(30);
  });

  it('puts a pump or compressor and an isolation valve at each inlet, and a valve at each outlet', () => {
    const atNode = new Map<string, string[]>();
    for (const e of plant.equipment) {
      if (e.nodeId)
        atNode.set(e.nodeId, [
          ...(atNode.get(e.nodeId) ?? []),
          e.kind + (e.isolation ? '+iso' : ''),
        ]);
    }
    for (const [lineId, segs] of byLine(plant)) {
      const line = plant.lines.find((l) => l.id === lineId)!;
      const phase = substanceById(line.substanceId).phase;
      const inlet = atNode.get(segs[0]!.fromNodeId) ?? [];
      const outlet = atNode.get(segs[segs.length - 1]!.toNodeId) ?? [];
      expect(inlet).toContain('valve+iso');
      expect(outlet).toContain('valve+iso');
      if (phase === 'vapour')
        expect(inlet.some((k) => k === 'pump' || k === 'compressor')).toBe(false);
      else if (phase === 'gas')
        expect(inlet.includes('compressor') || inlet.includes('pump')).toBe(true);
      else expect(inlet).toContain('pump');
    }
    const tanks = plant.equipment.filter((e) => e.kind === 'tank');
    expect(tanks.length).toBeGreaterThan(5);
    for (const t of tanks) expect(t.capacityM3).toBeGreaterThan(0);
  });

  it('rates each machine and gives it a condition monitor with five sensors', () => {
    const machines = plant.equipment.filter((e) => e.kind === 'pump' || e.kind === 'compressor');
    expect(machines.length).toBeGreaterThan(50);
    for (const m of machines) {
      expect(m.ratedKw).toBeGreaterThan(15);
      expect(m.speedRpm).toBeGreaterThan(0);
      expect(m.machineGroup).toBe(m.ratedKw! > 300 ? 1 : 2);
      expect(['rigid', 'flexible']).toContain(m.foundation);
      const sensors = plant.sensors.filter((s) => s.equipmentId === m.id);
      expect(sensors.map((s) => `${s.quantity} ${s.unit}`).sort()).toEqual([
        'bearing_temperature degC',
        'discharge_pressure kPa',
        'motor_current A',
        'vibration_kurtosis 1',
        'vibration_rms mm/s',
      ]);
      const device = plant.devices.find((d) => d.id === sensors[0]!.deviceId)!;
      expect(device.kind).toBe('condition_monitor');
      expect(plant.sensors.filter((s) => s.deviceId === device.id)).toHaveLength(5);
    }
  });

  it('puts pressure and flow at each segment inlet, temperature mid-way, and both at the last outlet', () => {
    const bySegment = new Map<string, typeof plant.sensors>();
    for (const s of plant.sensors) {
      if (s.segmentId) bySegment.set(s.segmentId, [...(bySegment.get(s.segmentId) ?? []), s]);
    }
    for (const segs of byLine(plant).values()) {
      segs.forEach((seg, i) => {
        const on = bySegment.get(seg.id) ?? [];
        const last = i === segs.length - 1;
        expect(on).toHaveLength(last ? 5 : 3);
        const where = (q: string, near: number): boolean =>
          on.some((s) => s.quantity === q && Math.abs(s.positionM! - near) <= 2);
        expect(where('pressure', 0) && where('flow', 0)).toBe(true);
        expect(where('temperature', seg.lengthM / 2)).toBe(true);
        if (last) expect(where('pressure', seg.lengthM) && where('flow', seg.lengthM)).toBe(true);
        for (const s of on)
          expect(s.unit).toBe(
            { pressure: 'kPa', flow: 'm3/h', temperature: 'degC' }[s.quantity as 'pressure'],
          );
      });
    }
  });

  it('wires each line to its own RTU', () => {
    const rtus = plant.devices.filter((d) => d.kind === 'rtu');
    expect(rtus.length).toBe(plant.lines.length);
    const segLine = new Map(plant.segments.map((s) => [s.id, s.lineId]));
    for (const rtu of rtus) {
      const lineIds = new Set(
        plant.sensors.filter((s) => s.deviceId === rtu.id).map((s) => segLine.get(s.segmentId!)),
      );
      expect(lineIds.size).toBe(1);
      expect(rtu.id).toBe([...lineIds][0]);
    }
  });

  it('keeps sensor tags unique within each company and in the tag grammar', () => {
    const seen = new Set<string>();
    const shortName = new Map(plant.companies.map((c) => [c.id, c.shortName]));
    for (const s of plant.sensors) {
      const key = `${s.companyId}/${s.tag}`;
      expect(seen.has(key)).toBe(false);
      seen.add(key);
      expect(s.tag).toMatch(SENSOR_TAG);
      expect(s.tag.startsWith(`${shortName.get(s.companyId)}-`)).toBe(true);
    }
    const equipTags = plant.equipment.map((e) => `${e.companyId}/${e.tag}`);
    expect(new Set(equipTags).size).toBe(equipTags.length);
  });

  it('gives devices topic-safe ids and no device more than 1000 sensors', () => {
    const count = new Map<string, number>();
    for (const s of plant.sensors) count.set(s.deviceId, (count.get(s.deviceId) ?? 0) + 1);
    for (const d of plant.devices) {
      expect(d.id).toMatch(TOPIC_ID);
      expect(count.get(d.id) ?? 0).toBeGreaterThan(0);
      expect(count.get(d.id)).toBeLessThanOrEqual(1000);
    }
    for (const c of plant.companies) expect(c.id).toMatch(TOPIC_ID);
  });

  it('has a weather station at complex-ops and the SKAB rig with its eight channels', () => {
    const wx = plant.devices.filter((d) => d.kind === 'weather_station');
    expect(wx).toHaveLength(1);
    expect(wx[0]!.companyId).toBe('complex-ops');
    expect(
      plant.sensors
        .filter((s) => s.deviceId === wx[0]!.id)
        .map((s) => `${s.quantity} ${s.unit}`)
        .sort(),
    ).toEqual(['air_temperature degC', 'cloud_cover okta', 'wind_direction deg', 'wind_speed m/s']);
    const rig = plant.devices.find((d) => d.id === 'skab-rig')!;
    expect(rig.kind).toBe('test_rig');
    const channels = plant.sensors.filter((s) => s.deviceId === 'skab-rig');
    expect(channels.map((s) => `${s.tag.split('-').pop()} ${s.quantity} ${s.unit}`)).toEqual([
      'ACC1 acceleration_rms g',
      'ACC2 acceleration_rms g',
      'CUR motor_current A',
      'PRS pressure kPa',
      'TMP temperature degC',
      'THC temperature degC',
      'VLT voltage V',
      'FLW flow m3/h',
    ]);
  });

  it('places every point inside site.bounds', () => {
    const { min, max } = plant.site.bounds;
    const check = (p: readonly number[]): void => {
      for (let k = 0; k < p.length; k++) {
        expect(p[k]!).toBeGreaterThanOrEqual(min[k]!);
        expect(p[k]!).toBeLessThanOrEqual(max[k]!);
      }
    };
    for (const n of plant.nodes) check(n.position);
    for (const s of plant.segments) s.path.forEach(check);
    for (const e of plant.equipment) check(e.position);
    for (const c of plant.companies) c.plot.forEach(check);
    plant.site.coastline.forEach(check);
  });

  it('records its seed, size and version', () => {
    expect(plant.meta).toEqual({ source: 'generator', seed: 42, size: 'default', version: 1 });
  });

  it('rejects a seed that is not a finite number', () => {
    expect(() => generatePlant({ seed: Number.NaN, size: 'small' })).toThrow(/seed/);
  });

  it('builds the large size near 100,000 segments in under 15 s, within the device limit', () => {
    const t0 = performance.now();
    const large = generatePlant({ seed: 1, size: 'large' });
    expect(performance.now() - t0).toBeLessThan(15000);
    expect(large.segments.length).toBeGreaterThanOrEqual(95000);
    expect(large.segments.length).toBeLessThanOrEqual(105000);
    expect(large.companies.length).toBeGreaterThan(plant.companies.length);
    const count = new Map<string, number>();
    for (const s of large.sensors) count.set(s.deviceId, (count.get(s.deviceId) ?? 0) + 1);
    expect(Math.max(...count.values())).toBeLessThanOrEqual(1000);
    const tags = new Set(large.sensors.map((s) => `${s.companyId}/${s.tag}`));
    expect(tags.size).toBe(large.sensors.length);
    expect(new Set(large.companies.map((c) => c.shortName)).size).toBe(large.companies.length);
    for (const d of large.devices) expect(d.id).toMatch(TOPIC_ID);
  });
});
