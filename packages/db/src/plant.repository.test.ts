import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePlant, type PlantModel } from '@ct/plant';
import { migrate } from './migrate';
import { loadPlant, readPlantModel } from './plant.repository';
import { createTestDatabase, type TestDatabase } from './testing';

describe('the plant model in the database', () => {
  let db: TestDatabase;
  let plant: PlantModel;

  beforeAll(async () => {
    db = await createTestDatabase();
    await migrate(db.sql, { storage: 'postgres' });
    plant = generatePlant({ seed: 5, size: 'small' });
  });
  afterAll(async () => {
    await db.drop();
  });

  it('reads nothing from empty tables', async () => {
    expect(await readPlantModel(db.sql)).toBeNull();
  });

  it('reads back the model it was loaded with', async () => {
    await loadPlant(db.sql, plant);
    const back = (await readPlantModel(db.sql))!;
    const byId = <T extends { id: string }>(a: T[]) =>
      [...a].sort((x, y) => x.id.localeCompare(y.id));
    expect(back.meta).toEqual(plant.meta);
    expect(back.site).toEqual(plant.site);
    expect(byId(back.companies)).toEqual(byId(plant.companies));
    expect(byId(back.substances)).toEqual(byId(plant.substances));
    expect(byId(back.lines)).toEqual(byId(plant.lines));
    expect(byId(back.nodes)).toEqual(byId(plant.nodes));
    expect(byId(back.segments)).toEqual(byId(plant.segments));
    expect(byId(back.equipment)).toEqual(byId(plant.equipment));
    expect(back.devices.length).toBe(plant.devices.length);
    const key = (s: PlantModel['sensors'][number]) => `${s.companyId}/${s.tag}`;
    expect([...back.sensors].sort((a, b) => key(a).localeCompare(key(b)))).toEqual(
      [...plant.sensors].sort((a, b) => key(a).localeCompare(key(b))),
    );
  });
});
