import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import type { Page } from 'playwright-core';
import { telemetryTopic, type NetworkResponse } from '@ct/contracts';
import {
  createSigninLink,
  createTestDatabase,
  createUser,
  loadPlant,
  migrate,
  type TestDatabase,
} from '@ct/db';
import { generatePlant, type PlantModel } from '@ct/plant';
import { freePort, startAedes, waitFor, type AedesHandle } from '@ct/testkit';
import '../src/console-api';
import { CHROMIUM_PATH, chromiumAvailable, launchChromium, type LaunchedBrowser } from './chromium';

const consoleDir = resolve(import.meta.dirname, '..');
const repoRoot = resolve(consoleDir, '..', '..');
const dist = join(consoleDir, 'dist');
const haveChromium = chromiumAvailable();

if (!haveChromium) {
  console.warn(
    `SKIPPED: console e2e: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`,
  );
}

function newestMtime(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return readdirSync(path).reduce((m, e) => Math.max(m, newestMtime(join(path, e))), s.mtimeMs);
}

/** Builds the console with Vite's JS API when dist is missing or older than its sources. */
async function ensureBuilt(): Promise<void> {
  const built = join(dist, 'index.html');
  const sources = ['src', 'index.html', 'vite.config.ts', 'package.json'].map((p) =>
    join(consoleDir, p),
  );
  const newest = Math.max(...sources.filter((p) => existsSync(p)).map(newestMtime));
  if (existsSync(built) && statSync(built).mtimeMs >= newest) return;
  const { build } = await import('vite');
  await build({
    configFile: join(consoleDir, 'vite.config.ts'),
    root: consoleDir,
    logLevel: 'warn',
  });
}

/** Starts the api as its own process (apps do not import each other), like the launcher does. */
async function startApi(
  env: Record<string, string>,
): Promise<{ url: string; child: ChildProcess; log: () => string }> {
  const port = await freePort();
  let output = '';
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join('apps', 'api', 'src', 'main.ts')],
    {
      cwd: repoRoot,
      env: {
        ...process.env,
        ...env,
        API_PORT: String(port),
        API_HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`api exited (${child.exitCode}):\n${output}`);
      const res = await fetch(`${url}/readyz`);
      return res.ok && ((await res.json()) as { broker: boolean }).broker;
    },
    30_000,
    'the api to be ready with the broker connected',
    100,
  );
  return { url, child, log: () => output };
}

const OPERATOR = { username: 'ana.operator', password: 'console e2e operator password' };

/**
 * The first admin, as the launcher makes one: created in the database with a one-time sign-in
 * link, signed in through it. Returns the session cookie.
 */
async function firstAdmin(db: TestDatabase, api: string): Promise<string> {
  const admin = await createUser(db.sql, {
    username: 'admin',
    displayName: 'Admin',
    role: 'complex_admin',
    companyId: null,
    passwordHash: null,
    createdBy: null,
  });
  const token = randomBytes(32).toString('base64url');
  await createSigninLink(db.sql, {
    tokenHash: createHash('sha256').update(token).digest(),
    userId: admin!.id,
    expiresAt: new Date(Date.now() + 60_000),
  });
  const res = await fetch(`${api}/signin/once/${token}`, { redirect: 'manual' });
  const cookie = res.headers.get('set-cookie')?.split(';')[0];
  if (res.status !== 303 || !cookie) throw new Error(`the sign-in link was refused: ${res.status}`);
  return cookie;
}

describe.runIf(haveChromium)('the 3D console on a small generated complex', () => {
  let db: TestDatabase;
  let broker: AedesHandle;
  let api: Awaited<ReturnType<typeof startApi>>;
  let chromium: LaunchedBrowser;
  let page: Page;
  let plant: PlantModel;
  let network: NetworkResponse;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await ensureBuilt();
    db = await createTestDatabase('ct_console');
    await migrate(db.sql, { storage: 'postgres' });
    plant = generatePlant({ seed: 1, size: 'small' });
    await loadPlant(db.sql, plant);
    broker = await startAedes();
    api = await startApi({
      DATABASE_URL: db.url,
      MQTT_URL: broker.url,
      STORAGE: 'postgres',
      CONSOLE_DIR: dist,
      API_INSTANCE: `api-console-e2e-${process.pid}`,
    });
    // the admin makes a control-room operator through the api; the operator signs in in the page
    const admin = await firstAdmin(db, api.url);
    const created = await fetch(`${api.url}/api/users`, {
      method: 'POST',
      headers: { cookie: admin, 'content-type': 'application/json' },
      body: JSON.stringify({
        username: OPERATOR.username,
        display_name: 'Ana Operator',
        role: 'operator',
        password: OPERATOR.password,
      }),
    });
    expect(created.status).toBe(201);
    network = (await (
      await fetch(`${api.url}/api/network`, { headers: { cookie: admin } })
    ).json()) as NetworkResponse;

    chromium = await launchChromium();
    page = await chromium.browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    // without a session the console sends the browser to the sign-in page, and back after it
    await page.goto(`${api.url}/`, { waitUntil: 'load' });
    expect(new URL(page.url()).pathname).toBe('/signin');
    await page.fill('#username', OPERATOR.username);
    await page.fill('#password', OPERATOR.password);
    await Promise.all([
      page.waitForURL(`${api.url}/`, { waitUntil: 'commit' }),
      page.click('button[type=submit]'),
    ]);
    await page.waitForFunction(() => window.__consoleReady === true, null, { timeout: 60_000 });
  }, 180_000);

  afterAll(async () => {
    await chromium?.close();
    if (api && api.child.exitCode === null) {
      const exited = new Promise((r) => api.child.once('exit', r));
      api.child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (api.child.exitCode === null) api.child.kill('SIGKILL');
    }
    await broker?.stop();
    await db?.drop();
  }, 60_000);

  it('draws every segment of the plant with a handful of draw calls', async () => {
    const stats = await page.evaluate(() => ({ ...window.__consoleStats! }));
    const kinds = new Set(plant.equipment.map((e) => e.kind)).size;
    expect(stats.segments).toBe(plant.segments.length);
    expect(stats.pieces).toBe(plant.segments.reduce((a, s) => a + s.path.length - 1, 0));
    expect(stats.instancedMeshes).toBe(1 + kinds);
    expect(stats.drawCalls).toBeGreaterThan(0);
    expect(stats.drawCalls).toBeLessThanOrEqual(10 + kinds);
    expect(await page.locator('[data-testid=segment-count]').textContent()).toBe(
      plant.segments.length.toLocaleString('en-GB'),
    );
    expect(pageErrors).toEqual([]);
  });

  it('shows a reading published to the broker in the page within seconds', async () => {
    const def = plant.sensors[0]!;
    // tags are unique within a company
    const idx = network.sensors.tag.findIndex(
      (tag, i) =>
        tag === def.tag && network.companies[network.sensors.company[i]!]?.id === def.companyId,
    );
    expect(idx).toBeGreaterThanOrEqual(0);
    const sensorId = network.sensors.id[idx]!;
    const before = await page.evaluate(() => window.__consoleStats!.liveValues);
    const value = 1234.5 + Math.round(Math.random() * 1000) / 10;
    const pub = await mqtt.connectAsync(broker.url, { clientId: `console-e2e-pub-${process.pid}` });
    try {
      await pub.publishAsync(
        telemetryTopic(def.companyId, def.deviceId),
        JSON.stringify({ seq: 1, readings: [{ sensor: def.tag, t: Date.now(), v: value }] }),
      );
      await page.waitForFunction(
        ([id, v]) => window.__consoleLive!(id)?.v === v,
        [sensorId, value] as const,
        { timeout: 10_000 },
      );
    } finally {
      await pub.endAsync();
    }
    const stats = await page.evaluate(() => ({ ...window.__consoleStats! }));
    expect(stats.liveValues).toBe(before + 1);
    expect(Date.now() - stats.lastLiveAt).toBeLessThan(10_000);
  });

  it('names the pipe under the pointer in the tooltip, updates its live values, opens its details on a click', async () => {
    // the longest segment with a pressure sensor, seen from 150 m: rack neighbours are pixels apart
    const pressure = network.quantities.indexOf('pressure');
    let seg = -1;
    for (let i = 0; i < network.sensors.id.length; i++) {
      const s = network.sensors.segment[i]!;
      if (network.sensors.quantity[i] !== pressure || s < 0) continue;
      if (seg < 0 || network.segments.length_m[s]! > network.segments.length_m[seg]!) seg = s;
    }
    expect(seg).toBeGreaterThanOrEqual(0);
    const segmentId = network.segments.id[seg]!;
    const sensor = network.sensors.segment.findIndex(
      (s, i) => s === seg && network.sensors.quantity[i] === pressure,
    );
    const frames = await page.evaluate(() => window.__consoleStats!.frames);
    expect(await page.evaluate((s) => window.__consoleFocus!(s, 150), seg)).toBe(true);
    await page.waitForFunction((f) => window.__consoleStats!.frames > f, frames);
    const p = await page.evaluate((s) => window.__consoleProject!(s), seg);
    expect(p?.visible).toBe(true);
    await page.mouse.move(p!.x, p!.y);
    const tooltip = page.locator('[data-testid=tooltip]');
    await tooltip.waitFor({ state: 'visible', timeout: 5000 });
    const tip = (await tooltip.textContent()) ?? '';
    expect(tip).toContain(segmentId);
    expect(tip).toContain(network.lines.tag[network.segments.line[seg]!]!);
    expect(tip).toContain(network.sensors.tag[sensor]!);

    // a reading arrives while the tooltip is open: the tooltip shows it without another hover
    const def = plant.sensors.find(
      (d) =>
        d.tag === network.sensors.tag[sensor] &&
        d.companyId === network.companies[network.sensors.company[sensor]!]?.id,
    )!;
    const pub = await mqtt.connectAsync(broker.url, {
      clientId: `console-e2e-pub2-${process.pid}`,
    });
    try {
      await pub.publishAsync(
        telemetryTopic(def.companyId, def.deviceId),
        JSON.stringify({ seq: 2, readings: [{ sensor: def.tag, t: Date.now(), v: 456.7 }] }),
      );
    } finally {
      await pub.endAsync();
    }
    await page.waitForFunction(
      (id) =>
        document.querySelector(`[data-testid=tooltip] [data-sensor-id="${id}"]`)?.textContent ===
        '456.7 kPa',
      network.sensors.id[sensor]!,
      { timeout: 10_000 },
    );

    await page.mouse.click(p!.x, p!.y);
    const panel = page.locator('[data-testid=detail-panel]');
    await panel.locator('.sensor-table').waitFor({ timeout: 10_000 });
    const detail = (await panel.textContent()) ?? '';
    expect(detail).toContain(segmentId);
    expect(detail).toContain('Design pressure');
    mkdirSync(join(repoRoot, 'artifacts'), { recursive: true });
    await page.screenshot({ path: join(repoRoot, 'artifacts', 'console-e2e.png') });
    expect(pageErrors).toEqual([]);
  });
});
