import { describe, expect, it } from 'vitest';
import { DEFAULT_CONTROL_URL, parseInjectArgs } from './inject-args';

describe('inject CLI arguments', () => {
  it('turns a leak command into an incident request', () => {
    const r = parseInjectArgs(
      ['leak', '--segment', 'S', '--distance', '120', '--rate-pct', '5', '--ramp', '60'],
      {},
    );
    expect(r).toEqual({
      ok: true,
      command: {
        kind: 'create',
        url: DEFAULT_CONTROL_URL,
        request: { kind: 'leak', segment: 'S', distance_m: 120, rate_pct: 5, ramp_s: 60 },
      },
    });
  });

  it('reads an operation, announced unless --silent', () => {
    const op = parseInjectArgs(
      ['operation', '--line', 'L-1', '--action', 'valve_move', '--factor', '0.5', '--silent'],
      {},
    );
    expect(op).toMatchObject({
      ok: true,
      command: {
        request: {
          kind: 'operation',
          line: 'L-1',
          action: 'valve_move',
          flow_factor: 0.5,
          announce: false,
        },
      },
    });
    expect(parseInjectArgs(['operation', '--line', 'L-1', '--action', 'explode'], {}).ok).toBe(
      false,
    );
  });

  it('reads bearing-wear and sensor-fault commands and the --url option', () => {
    const wear = parseInjectArgs(
      ['bearing-wear', '--equipment', 'E', '--hours', '6', '--url', 'http://h:1'],
      {},
    );
    expect(wear).toMatchObject({
      ok: true,
      command: {
        url: 'http://h:1',
        request: { kind: 'bearing_wear', equipment: 'E', hours_to_failure: 6 },
      },
    });
    const fault = parseInjectArgs(
      ['sensor-fault', '--sensor', 'TAG', '--mode', 'stuck', '--duration', '600'],
      { SIM_URL: 'http://sim:9' },
    );
    expect(fault).toMatchObject({
      ok: true,
      command: { url: 'http://sim:9', request: { mode: 'stuck', duration_s: 600 } },
    });
    // the launcher's CT_SIM_PORT, when the embedded default runs on other ports
    expect(parseInjectArgs(['list'], { CT_SIM_PORT: '18090' })).toMatchObject({
      ok: true,
      command: { url: 'http://127.0.0.1:18090' },
    });
    const bad = parseInjectArgs(['list'], { CT_SIM_PORT: 'eighty' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.message).toMatch(/CT_SIM_PORT must be a port number/);
  });

  it('answers bad arguments with a reason and the usage', () => {
    const cases = [
      [],
      ['explode'],
      ['leak', '--segment', 'S', '--distance', '12'],
      ['leak', '--segment', 'S', '--distance', 'far', '--rate-pct', '5'],
      ['leak', '--segment', 'S', '--distance', '1', '--rate-pct', '5', '--hours', '2'],
      ['sensor-fault', '--sensor', 'T', '--mode', 'melted'],
      ['bearing-wear', '--equipment', 'E', '--bogus'],
    ];
    for (const argv of cases) {
      const r = parseInjectArgs(argv, {});
      expect(r.ok, argv.join(' ')).toBe(false);
      if (!r.ok) expect(r.message).toContain('usage: pnpm --filter @ct/simulator inject');
    }
    const r = parseInjectArgs(['leak', '--segment', 'S', '--distance', '12'], {});
    expect(!r.ok && r.message).toMatch(/exactly one of --rate-pct or --rate/);
  });
});
