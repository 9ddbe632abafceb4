import { generateInspectionHistory, type PlantModel } from '@ct/plant';
import { raiseAlert } from './alert.repository';
import { appendAudit, createMqttDevice } from './auth.repository';
import type { Sql } from './client';
import { insertDeadLetters } from './dead-letter.repository';
import { insertAnomalyScores, saveBaseline } from './equipment.repository';
import { loadInspectionHistory, recomputeConditions } from './integrity.repository';
import { recordLineOperation } from './leak.repository';
import { ensurePartitions } from './readings.repository';

/** What one company owns in the tenancy fixture, by kind. */
export interface CompanyFixture {
  companyId: string;
  /** A segment of a line carrying a toxic or flammable substance. */
  hazardousSegment: string;
  /** A sensor on that segment, with readings and rollups stored. */
  sensorId: number;
  /** A pump or compressor, with anomaly scores and a baseline stored. */
  equipmentId: string;
  /** The segment's line. */
  lineId: string;
  /** An open leak alert on that line: an incident. */
  incidentAlertId: number;
  /** An open alert on the pump: not an incident, the owner's. */
  equipmentAlertId: number;
  /** An MQTT device account of the company. */
  mqttUsername: string;
}

/**
 * Writes, as the owner, one of everything a company can own into every table that holds
 * company data, for each of the given companies (tests of tenancy: each company must see its
 * own and none of the other's). The plant must be loaded; companies need a hazardous segment
 * with a sensor and a pump or compressor with sensors.
 */
export async function seedCompanyData(
  sql: Sql,
  plant: PlantModel,
  companyIds: readonly string[],
): Promise<CompanyFixture[]> {
  const hazardous = new Set(
    plant.substances.filter((s) => s.toxic || s.flammable).map((s) => s.id),
  );
  const now = Date.now();
  await loadInspectionHistory(sql, generateInspectionHistory(plant, { seed: 1 }));
  const DAY = 86_400_000;
  await ensurePartitions(sql, [Math.floor((now - 3_600_000) / DAY), Math.floor(now / DAY)]);
  await recomputeConditions(sql, { asOfMs: now });
  const out: CompanyFixture[] = [];
  for (const companyId of companyIds) {
    const seg = plant.segments.find(
      (s) =>
        s.companyId === companyId &&
        hazardous.has(s.substanceId) &&
        plant.sensors.some((x) => x.segmentId === s.id),
    );
    const eq = plant.equipment.find(
      (e) =>
        e.companyId === companyId &&
        (e.kind === 'pump' || e.kind === 'compressor') &&
        plant.sensors.some((x) => x.equipmentId === e.id),
    );
    if (!seg || !eq) throw new Error(`company ${companyId} lacks a hazardous segment or a pump`);
    const def = plant.sensors.find((x) => x.segmentId === seg.id)!;
    const [sensor] = await sql<{ id: number }[]>`
      select id from sensor where company_id = ${companyId} and tag = ${def.tag}`;
    const sensorId = sensor!.id;
    // an hour of readings a minute apart, and their rollups
    await sql`insert into readings (time, sensor_id, value)
      select to_timestamp(${Math.floor(now / 1000) - 3600} + g * 60), ${sensorId}, 100 + g
      from generate_series(0, 59) g`;
    for (const table of ['readings_1m', 'readings_1h'] as const)
      await sql`insert into ${sql(table)} (bucket, sensor_id, min_value, max_value, avg_value,
          count, last_value, last_time)
        values (date_trunc('hour', now()), ${sensorId}, 100, 159, 129.5, 60, 159, now())`;
    await insertAnomalyScores(sql, [
      {
        time: now - 60_000,
        companyId,
        equipmentId: eq.id,
        detector: 'mewma',
        score: 0.2,
        anomaly: false,
        changepoint: false,
        confidence: 1,
        contributions: [],
        zone: 'A',
        healthIndex: 0.1,
        rulStatus: null,
        rulS: null,
        rulLowS: null,
        rulHighS: null,
      },
    ]);
    await saveBaseline(sql, eq.id, companyId, 'mewma', {
      fromMs: now - 7_200_000,
      toMs: now - 3_600_000,
      samples: 720,
    });
    const incident = await raiseAlert(sql, {
      companyId,
      areaId: seg.areaId,
      kind: 'leak',
      sourceType: 'line',
      sourceId: seg.lineId,
      severity: 'critical',
      title: `leak on ${seg.lineId}`,
      detail: {},
      atMs: now,
      actor: 'detector',
    });
    const machine = await raiseAlert(sql, {
      companyId,
      areaId: eq.areaId,
      kind: 'equipment_anomaly',
      sourceType: 'equipment',
      sourceId: eq.id,
      severity: 'medium',
      title: `anomaly on ${eq.tag}`,
      detail: {},
      atMs: now,
      actor: 'detector',
    });
    await insertDeadLetters(sql, [
      {
        topic: `twin/v1/${companyId}/gw/telemetry`,
        companyId,
        deviceId: 'gw',
        reason: 'CT_ERR_INGEST_BAD_JSON',
        detail: 'not JSON',
        payload: Buffer.from(`secret of ${companyId}`),
        payloadBytes: 20,
      },
    ]);
    await sql`insert into inspection_campaign (name, source, readings, company_id)
      values (${`campaign of ${companyId}`}, 'csv', 0, ${companyId})`;
    const mqttUsername = `gw-${companyId}`;
    await createMqttDevice(sql, {
      username: mqttUsername,
      companyId,
      passwordHash: '$7$1$AAAAAAAAAAAAAAAA$AAAA',
      description: null,
      createdBy: null,
    });
    await recordLineOperation(sql, { t: now, kind: 'valve_move', line: seg.lineId }, 'fixture');
    await appendAudit(sql, {
      actorId: null,
      actor: 'fixture',
      actorRole: null,
      companyId,
      action: 'fixture',
    });
    out.push({
      companyId,
      hazardousSegment: seg.id,
      lineId: seg.lineId,
      sensorId,
      equipmentId: eq.id,
      incidentAlertId: incident.id,
      equipmentAlertId: machine.id,
      mqttUsername,
    });
  }
  // a dead letter no company can be named for (a malformed topic)
  await insertDeadLetters(sql, [
    {
      topic: 'twin/v1/bad topic',
      companyId: null,
      deviceId: null,
      reason: 'CT_ERR_INGEST_BAD_TOPIC',
      detail: 'bad topic',
      payload: Buffer.from('x'),
      payloadBytes: 1,
    },
  ]);
  return out;
}

/**
 * Two companies of a generated plant that each have a hazardous segment with a sensor and a
 * pump or compressor with sensors (what `seedCompanyData` needs).
 */
export function fixtureCompanies(plant: PlantModel, n = 2): string[] {
  const hazardous = new Set(
    plant.substances.filter((s) => s.toxic || s.flammable).map((s) => s.id),
  );
  return plant.companies
    .map((c) => c.id)
    .filter(
      (id) =>
        plant.segments.some(
          (s) =>
            s.companyId === id &&
            hazardous.has(s.substanceId) &&
            plant.sensors.some((x) => x.segmentId === s.id),
        ) &&
        plant.equipment.some(
          (e) =>
            e.companyId === id &&
            (e.kind === 'pump' || e.kind === 'compressor') &&
            plant.sensors.some((x) => x.equipmentId === e.id),
        ),
    )
    .slice(0, n);
}
