import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiErrorSchema, GroundTruthEntrySchema } from '@ct/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createControlServer, listen } from './control-server';
import { GroundTruthLog } from './ground-truth';
import { parseInjectArgs } from './inject-args';
import { runInject } from './inject-client';
import { createSimulator } from './simulator';
import { liquidLine, smallPlant } from './test-support';

describe('control API', () => {
  let dir: string;
  let server: Server;
  let url: string;
  let log: GroundTruthLog;
  const plant = smallPlant();
  let sim: ReturnType<typeof createSimulator>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ct-sim-'));
    log = new GroundTruthLog(join(dir, 'nested', 'ground-truth.jsonl'));
    sim = createSimulator({
      plant,
      seed: 42,
      startMs: Date.now(),
      onGroundTruth: (e) => log.append(e),
    });
    server = createControlServer({ sim, health: () => ({ connected: false }) });
    url = await listen(server, '127.0.0.1', 0);
  });
  afterAll(async () => {
    server.close();
    log.close();
    await rm(dir, { recursive: true, force: true });
  });

  const post = (body: unknown) =>
    fetch(`${url}/incidents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const groundTruth = async () =>
    (await readFile(log.path, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => GroundTruthEntrySchema.parse(JSON.parse(l)));

  it('accepts a good leak with 201 and writes it to the ground-truth file at once', async () => {
    const seg = liquidLine(sim.sim).segments[1]!;
    const res = await post({
      kind: 'leak',
      segment: seg.segment.id,
      distance_m: 12.5,
      rate_pct: 5,
      ramp_s: 30,
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as {
      id: string;
      state: string;
      params: Record<string, unknown>;
    };
    expect(body.state).toBe('active');
    expect(body.params['distance_m']).toBe(12.5);
    const lines = await groundTruth();
    expect(lines.at(-1)).toMatchObject({
      id: body.id,
      kind: 'leak',
      target: seg.segment.id,
      end: null,
    });
    const list = (await (await fetch(`${url}/incidents`)).json()) as {
      incidents: { id: string }[];
    };
    expect(list.incidents.map((i) => i.id)).toContain(body.id);
  });

  it('answers a bad body with 400 and the zod issues', async () => {
    const res = await post({ kind: 'leak', segment: 'x', distance_m: -1 });
    expect(res.status).toBe(400);
    const err = ApiErrorSchema.parse(await res.json());
    expect(err.code).toBe('CT_ERR_SIM_BAD_REQUEST');
    expect(err.issues!.map((i) => i.path.join('.'))).toEqual(
      expect.arrayContaining(['distance_m', 'rate_m3h']),
    );
    const notJson = await post('{kind:');
    expect(notJson.status).toBe(400);
    expect(ApiErrorSchema.parse(await notJson.json()).code).toBe('CT_ERR_SIM_BAD_JSON');
  });

  it('answers unknown targets and a distance beyond the segment with 404', async () => {
    const seg = plant.segments[0]!;
    const cases = [
      { kind: 'leak', segment: 'no-such-segment', distance_m: 1, rate_m3h: 1 },
      { kind: 'leak', segment: seg.id, distance_m: seg.lengthM + 5, rate_m3h: 1 },
      { kind: 'bearing_wear', equipment: 'no-such-pump' },
      { kind: 'sensor_fault', sensor: 'NO-SUCH-TAG', mode: 'dropout' },
    ];
    const codes = [];
    for (const c of cases) {
      const res = await post(c);
      expect(res.status).toBe(404);
      codes.push(ApiErrorSchema.parse(await res.json()).code);
    }
    expect(codes).toEqual([
      'CT_ERR_SIM_UNKNOWN_TARGET',
      'CT_ERR_SIM_DISTANCE_OUT_OF_RANGE',
      'CT_ERR_SIM_UNKNOWN_TARGET',
      'CT_ERR_SIM_UNKNOWN_TARGET',
    ]);
  });

  it('ends an incident on DELETE and logs its end; 404 for an unknown id', async () => {
    const pump = sim.sim.machines[0]!.equipment;
    const created = (await (
      await post({ kind: 'bearing_wear', equipment: pump.id, hours_to_failure: 2 })
    ).json()) as { id: string };
    const res = await fetch(`${url}/incidents/${created.id}`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    const ended = (await res.json()) as { end: number; state: string };
    expect(ended.state).toBe('ended');
    const lines = (await groundTruth()).filter((l) => l.id === created.id);
    expect(lines).toHaveLength(2);
    expect(lines[1]!.end).toBe(ended.end);
    const missing = await fetch(`${url}/incidents/nope`, { method: 'DELETE' });
    expect(missing.status).toBe(404);
    expect(ApiErrorSchema.parse(await missing.json()).code).toBe('CT_ERR_SIM_INCIDENT_NOT_FOUND');
  });

  it('answers /healthz and 404 on other routes', async () => {
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true, connected: false });
    expect((await fetch(`${url}/nope`)).status).toBe(404);
  });

  it('lets the inject CLI create an incident and print it', async () => {
    const tag = plant.sensors[3]!.tag;
    const parsed = parseInjectArgs([
      'sensor-fault',
      '--sensor',
      tag,
      '--mode',
      'stuck',
      '--duration',
      '600',
      '--url',
      url,
    ]);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const printed: string[] = [];
    expect(await runInject(parsed.command, (t) => printed.push(t))).toBe(0);
    expect(JSON.parse(printed[0]!)).toMatchObject({
      kind: 'sensor_fault',
      target: tag,
      params: { mode: 'stuck' },
    });
    const bad = parseInjectArgs([
      'sensor-fault',
      '--sensor',
      'NO-SUCH',
      '--mode',
      'stuck',
      '--url',
      url,
    ]);
    if (!bad.ok) throw new Error(bad.message);
    expect(await runInject(bad.command, (t) => printed.push(t))).toBe(1);
    expect(printed.at(-1)).toContain('CT_ERR_SIM_UNKNOWN_TARGET');
  });
});
