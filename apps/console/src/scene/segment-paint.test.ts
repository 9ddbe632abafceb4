import { describe, expect, it } from 'vitest';
import { SegmentPaint, displayedColor, MATCH_COLOR } from './segment-paint';

describe('the segment paint store', () => {
  it('queues each changed segment once and hands them to the frame loop in one pass', () => {
    const p = new SegmentPaint();
    p.resize(10);
    let woken = 0;
    p.onDirty(() => woken++);
    // the first frame repaints everything
    expect(
      p.drain(
        () => undefined,
        () => undefined,
      ),
    ).toBe(10);
    p.setBase(3, 1, 0, 0);
    p.setBase(3, 0, 1, 0);
    p.setBase(7, 0, 0, 1);
    expect(woken).toBe(1);
    const seen: number[] = [];
    expect(
      p.drain(
        (s) => seen.push(s),
        () => undefined,
      ),
    ).toBe(2);
    expect(seen).toEqual([3, 7]);
    expect(p.pending()).toBe(false);
    const out = new Float32Array(3);
    displayedColor(p, 3, out, 0);
    expect([...out]).toEqual([0, 1, 0]);
    expect(p.applied).toBe(12);
  });

  it('shows filter matches in one colour and counts each matching segment once', () => {
    const p = new SegmentPaint();
    p.resize(5);
    expect(p.setMatches([1, 3, 3, 9, -1])).toBe(2);
    expect(p.pending()).toBe(true);
    const out = new Float32Array(3);
    displayedColor(p, 1, out, 0);
    expect(out[2]).toBeCloseTo(MATCH_COLOR.b);
    expect(p.setMatches(null)).toBe(0);
    expect(p.filtering).toBe(false);
  });
});
