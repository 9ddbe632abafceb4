import { Color } from 'three';
import { describe, expect, it } from 'vitest';
import { CONDITION_RAMP, classOf, legendFor } from './colour-modes';
import { PALETTE } from './palette';

describe('condition colour classes', () => {
  it('puts shorter remaining life in darker classes, infinite life in the lightest', () => {
    const sc = { unit: 'years', breaks: [20, 10, 5, 2], descending: true };
    expect(classOf(Infinity, sc)).toBe(0);
    expect(classOf(25, sc)).toBe(0);
    expect(classOf(12, sc)).toBe(1);
    expect(classOf(4.9, sc)).toBe(3);
    expect(classOf(-3, sc)).toBe(4);
    expect(classOf(NaN, sc)).toBeNaN();
  });

  it('has a legend entry per class, worst (darkest) last, and no alarm colours', () => {
    for (const m of ['wall_loss', 'corrosion_rate', 'remaining_life', 'live_score'] as const) {
      const l = legendFor(m);
      expect(l.map((x) => x.hex)).toEqual([...CONDITION_RAMP]);
    }
    expect(legendFor('remaining_life').at(-1)!.label).toBe('< 2');
    expect(legendFor('risk').map((x) => x.label)).toEqual(['low', 'medium', 'medium-high', 'high']);
    // ISA-101: no red, amber, yellow or magenta hue outside alarms; each step darker (relative
    // luminance, from linear RGB) than the last, and all darker than the ground
    let last = new Color(PALETTE.land);
    const luminance = (c: Color) => 0.2126 * c.r + 0.7152 * c.g + 0.0722 * c.b;
    for (const hex of CONDITION_RAMP) {
      const c = new Color(hex);
      const hsl = { h: 0, s: 0, l: 0 };
      c.getHSL(hsl);
      const deg = hsl.h * 360;
      expect(deg > 75 && deg < 270).toBe(true);
      expect(luminance(c)).toBeLessThan(luminance(last));
      last = c;
    }
  });
});
