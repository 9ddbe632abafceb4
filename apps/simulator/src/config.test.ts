import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config';
import { SIM_ERRORS } from './errors';

describe('configuration', () => {
  it('has the documented defaults', () => {
    expect(loadConfig({})).toMatchObject({
      MQTT_URL: 'mqtt://127.0.0.1:1883',
      SIM_INSTANCE: 'sim-1',
      PLANT_SEED: 42,
      PLANT_SIZE: 'default',
      SIM_LINE_INTERVAL_S: 5,
      SIM_ROTATING_INTERVAL_S: 1,
      SIM_WEATHER_INTERVAL_S: 10,
      SIM_RIG_INTERVAL_S: 1,
      SIM_HTTP_HOST: '127.0.0.1',
      SIM_HTTP_PORT: 8090,
      SIM_GROUND_TRUTH: '.data/ground-truth.jsonl',
      LOG_LEVEL: 'info',
    });
    expect(loadConfig({ PLANT_GEOJSON: '', SIM_SCENARIO: ' ' })).toMatchObject({
      PLANT_GEOJSON: undefined,
      SIM_SCENARIO: undefined,
    });
  });

  it('names every bad variable in one readable error', () => {
    const bad = {
      PLANT_SIZE: 'huge',
      SIM_LINE_INTERVAL_S: '0',
      SIM_HTTP_PORT: 'http',
      MQTT_URL: 'localhost',
    };
    expect(() => loadConfig(bad)).toThrow(
      expect.objectContaining({
        code: 'CT_ERR_SIM_BAD_CONFIG',
        message: expect.stringContaining('simulator configuration is not valid'),
      }),
    );
    try {
      loadConfig(bad);
    } catch (err) {
      for (const key of Object.keys(bad)) expect((err as Error).message).toContain(`  ${key}: `);
    }
  });

  it('documents every error code in docs/simulator.md', () => {
    const doc = readFileSync(join(import.meta.dirname, '../../../docs/simulator.md'), 'utf8');
    for (const code of Object.keys(SIM_ERRORS)) expect(doc, code).toContain(code);
  });
});
