import { describe, expect, it } from 'vitest';
import { NPS_OUTSIDE_DIAMETERS_MM, sizeForFlow, wallForDesign } from './pipe-sizes';

describe('pipe sizes', () => {
  it('lists NPS 2 to 30 outside diameters between 50 and 900 mm', () => {
    expect(NPS_OUTSIDE_DIAMETERS_MM[0]).toBe(60.3);
    expect(NPS_OUTSIDE_DIAMETERS_MM[NPS_OUTSIDE_DIAMETERS_MM.length - 1]).toBe(762);
    for (const d of NPS_OUTSIDE_DIAMETERS_MM) expect(d > 50 && d < 900).toBe(true);
  });

  it('sizes a line for its flow at the design velocity', () => {
    // 100 m3/h at 2 m/s needs a 133 mm bore: NPS 6 (154 mm standard-wall bore).
    expect(sizeForFlow(100, 2)).toBe(168.3);
    expect(sizeForFlow(1, 2)).toBe(60.3);
    expect(sizeForFlow(1e6, 2)).toBe(762);
  });

  it('picks the lightest schedule that meets B31.3 with allowance and mill tolerance', () => {
    // pipe-integrity.md §1.2: 8 in, 3 MPa, S = 137.9 MPa gives t = 2.36 mm; + 3 mm CA / 0.875
    // needs 6.13 mm: standard wall 8.18 mm.
    expect(wallForDesign(219.1, 'carbon_steel', 3000, 60, 3)).toBe(8.18);
    // Far higher pressure moves up the schedules.
    expect(wallForDesign(219.1, 'carbon_steel', 10000, 60, 1.6)).toBe(12.7);
    expect(wallForDesign(219.1, 'carbon_steel', 15000, 60, 1.6)).toBe(23.01);
    // Stainless without allowance may use schedule 10S; small-bore carbon steel is schedule 80.
    expect(wallForDesign(168.3, 'stainless_304', 1000, -100, 0)).toBe(3.4);
    expect(wallForDesign(60.3, 'carbon_steel', 1000, 40, 1.6)).toBe(5.54);
  });
});
