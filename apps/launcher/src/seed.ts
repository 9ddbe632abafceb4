/**
 * One-off setup against real servers (the compose `setup` service, or by hand): migrates the
 * database, loads the plant (generated from PLANT_SEED / PLANT_SIZE, or PLANT_GEOJSON) if none
 * is loaded, and creates the first complex admin with a one-time sign-in link (printed; again
 * with CT_ADMIN_LINK=1). `pnpm start` does the same itself for the embedded default.
 */
import { readFile } from 'node:fs/promises';
import { connect, ensurePipeConditions, getPlantMeta, loadPlant, migrate } from '@ct/db';
import { generatePlant, importGeoJson } from '@ct/plant';
import { firstAdminLink } from './accounts';
import { loadConfig } from './config';
import { seededHistory } from './seed-history';

const cfg = loadConfig();
if (!cfg.DATABASE_URL) throw new Error('DATABASE_URL is required');
const sql = connect(cfg.DATABASE_URL, { max: 1, applicationName: 'setup' });
try {
  const { storage, applied } = await migrate(sql, {
    storage: cfg.STORAGE,
    retentionDays: cfg.RETENTION_DAYS,
  });
  console.log(`schema up to date (${storage}); applied: ${applied.join(', ') || 'nothing new'}`);
  const meta = await getPlantMeta(sql);
  if (meta) {
    console.log(
      `plant already loaded (${meta.source}, seed ${meta.seed ?? '-'}, ${meta.size ?? '-'})`,
    );
  } else {
    const model = cfg.PLANT_GEOJSON
      ? importGeoJson(await readFile(cfg.PLANT_GEOJSON, 'utf8'))
      : generatePlant({ seed: cfg.PLANT_SEED, size: cfg.PLANT_SIZE });
    await loadPlant(sql, model);
    console.log(`plant loaded: ${model.segments.length} segments, ${model.sensors.length} sensors`);
  }
  const pipes = await ensurePipeConditions(sql, { history: seededHistory, asOfMs: Date.now() });
  console.log(
    `pipe condition: ${pipes.loadedReadings} readings loaded, ${pipes.recomputed} segments assessed`,
  );
  const token = await firstAdminLink(sql, cfg.CT_ADMIN_LINK === '1');
  if (token) {
    const base = process.env.CT_PUBLIC_URL ?? `http://localhost:${cfg.CT_API_PORT}`;
    console.log(
      `sign in once as the complex admin "admin" (valid 24 h): ${base}/signin/once/${token}`,
    );
  }
} finally {
  await sql.end();
}
