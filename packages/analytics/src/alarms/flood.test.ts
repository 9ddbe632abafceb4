import { describe, expect, it } from 'vitest';
import { FLOOD_DEFAULTS, FloodDetector } from './flood';

const MIN = 60_000;

describe('alarm floods per operator area (more than 10 in 10 minutes, over when below 5)', () => {
  it('begins a flood with the 11th annunciation within 10 minutes, not the 10th', () => {
    const f = new FloodDetector();
    for (let i = 0; i < 10; i++) expect(f.add('north', i * 50_000)).toBe(false);
    expect(f.inFlood('north')).toBe(false);
    expect(f.add('north', 9.5 * MIN)).toBe(true);
    expect(f.areaStatus('north')).toEqual({
      area: 'north',
      inFlood: true,
      windowCount: 11,
      flood: { since: 9.5 * MIN, endedAt: null, count: 11, peak: 11 },
    });
  });

  it('does not count an annunciation exactly 10 minutes old', () => {
    const f = new FloodDetector();
    f.add('a', 0);
    for (let i = 1; i <= 10; i++) f.add('a', 10 * MIN - 1000 + i);
    expect(f.areaStatus('a').windowCount).toBe(11);
    const g = new FloodDetector();
    g.add('a', 0);
    for (let i = 0; i < 10; i++) g.add('a', 10 * MIN + i);
    expect(g.inFlood('a')).toBe(false);
    expect(g.areaStatus('a').windowCount).toBe(10);
  });

  it('ends the flood when the 10-minute count drops below 5, keeping count and peak', () => {
    const f = new FloodDetector();
    // 15 alerts in the first minute, then 1 a minute for 5 minutes
    for (let i = 0; i < 15; i++) f.add('a', i * 4000);
    for (let k = 1; k <= 5; k++) f.add('a', k * MIN + 30_000);
    expect(f.areaStatus('a', 9 * MIN).flood).toMatchObject({ count: 20, peak: 20, endedAt: null });
    // at 10 min + 56 s the first 15 have left: 5 remain, still not below 5
    expect(f.advance(10 * MIN + 56_000)).toEqual([]);
    expect(f.inFlood('a')).toBe(true);
    expect(f.areaStatus('a').windowCount).toBe(5);
    // at 11 min 30 s the first of the slow ones leaves: 4 < 5
    expect(f.advance(12 * MIN)).toEqual(['a']);
    expect(f.areaStatus('a')).toEqual({
      area: 'a',
      inFlood: false,
      windowCount: 4,
      flood: { since: 40_000, endedAt: 11 * MIN + 30_000, count: 20, peak: 20 },
    });
  });

  it('keeps areas apart', () => {
    const f = new FloodDetector();
    for (let i = 0; i < 8; i++) {
      f.add('north', i * 1000);
      f.add('south', i * 1000);
    }
    expect(f.status(10_000).map((s) => s.inFlood)).toEqual([false, false]);
    for (let i = 0; i < 3; i++) f.add('north', 20_000 + i);
    expect(f.status(30_000).map((s) => [s.area, s.inFlood])).toEqual([
      ['north', true],
      ['south', false],
    ]);
  });

  it('counts an annunciation that arrives late at the latest time seen', () => {
    const f = new FloodDetector();
    f.add('a', 5 * MIN);
    f.add('a', 0);
    expect(f.areaStatus('a', 14 * MIN).windowCount).toBe(2);
    expect(FLOOD_DEFAULTS).toEqual({ windowMs: 10 * MIN, beginAbove: 10, endBelow: 5 });
  });
});
