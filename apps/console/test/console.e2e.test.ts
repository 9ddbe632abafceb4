import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  telemetryTopic,
  type AlertWithEvents,
  type ConditionSearchResponse,
  type NetworkResponse,
} from '@ct/contracts';
import {
  createTestDatabase,
  ensurePartitions,
  ensurePipeConditions,
  loadPlant,
  migrate,
  type TestDatabase,
} from '@ct/db';
import { generateInspectionHistory, generatePlant, type PlantModel } from '@ct/plant';
import { startAedes, type AedesHandle } from '@ct/testkit';
import '../src/console-api';
import { CHROMIUM_PATH, chromiumAvailable, launchChromium, type LaunchedBrowser } from './chromium';
import { raiseAndAnnounce, raiseLeakAlert } from './leak-alert';
import {
  addSession,
  displayLink,
  dist,
  ensureBuilt,
  getAs,
  repoRoot,
  signIn,
  signinLink,
  startApi,
  type ApiProcess,
  type TestSession,
} from './stack';

const haveChromium = chromiumAvailable();
const artifacts = join(repoRoot, 'artifacts');

if (!haveChromium) {
  console.warn(
    `SKIPPED: console e2e: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`,
  );
}

/**
 * A fresh browser context (its own storage) holding `session` (none: the path signs in, as a
 * display's link does), one page at `path`, page errors collected; resolves when the console
 * has drawn the network and received its first feed.
 */
async function openPage(
  browser: Browser,
  apiUrl: string,
  session: { secret: string } | null,
  path: string,
  viewport = { width: 1440, height: 900 },
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport });
  if (session) await addSession(context, apiUrl, session);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${apiUrl}${path}`, { waitUntil: 'commit' });
  await page.waitForFunction(() => window.__consoleReady === true, null, { timeout: 60_000 });
  return { context, page, errors };
}

/** The mode the page opened in, once the session is known (`<html data-mode>`). */
async function openedMode(page: Page): Promise<string> {
  const handle = await page.waitForFunction(
    () => {
      const m = document.documentElement.dataset.mode;
      return m && m !== 'choose' ? m : null;
    },
    null,
    { timeout: 30_000 },
  );
  return (await handle.jsonValue())!;
}

describe.runIf(haveChromium)('the 3D console on a small generated complex, signed in', () => {
  let db: TestDatabase;
  let broker: AedesHandle;
  let api: ApiProcess;
  let apiEnv: Record<string, string>;
  let chromium: LaunchedBrowser;
  let plant: PlantModel;
  /** The whole complex, as the control room sees it. */
  let network: NetworkResponse;
  let admin: TestSession;
  let operator: TestSession;
  /** A plant engineer of the company whose pipes the condition tests look at. */
  let engineer: TestSession;
  let engineerNetwork: NetworkResponse;
  /** The operator's console (wall), then the engineer's (condition browser). */
  let operatorPage: Awaited<ReturnType<typeof openPage>> | null = null;
  let engineerPage: Awaited<ReturnType<typeof openPage>> | null = null;

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    const built = ensureBuilt();
    db = await createTestDatabase('ct_console');
    await migrate(db.sql, { storage: 'postgres' });
    plant = generatePlant({ seed: 1, size: 'small' });
    await loadPlant(db.sql, plant);
    await ensurePipeConditions(db.sql, {
      history: () => generateInspectionHistory(plant, { seed: 1 }),
      asOfMs: Date.now(),
    });
    broker = await startAedes();
    await built;
    apiEnv = {
      DATABASE_URL: db.url,
      MQTT_URL: broker.url,
      STORAGE: 'postgres',
      CONSOLE_DIR: dist,
      API_INSTANCE: `api-console-e2e-${process.pid}`,
    };
    api = await startApi(apiEnv);
    admin = await signIn(db.sql, api.url, {
      username: 'admin',
      displayName: 'Complex administrator',
      role: 'complex_admin',
    });
    operator = await signIn(db.sql, api.url, {
      username: 'olga.operator',
      displayName: 'Olga Operator',
      role: 'operator',
    });
    network = await getAs<NetworkResponse>(api.url, operator, '/api/network');
    // the engineer's company: one with pipes under 5 years of remaining life, but not only such
    const companies = await db.sql<{ company_id: string }[]>`
      select company_id from segment_condition group by company_id
      having count(*) filter (where remaining_life_y < 5) between 1 and count(*) - 1
      order by count(*) filter (where remaining_life_y < 5) desc, company_id`;
    const pressure = network.quantities.indexOf('pressure');
    const company = companies
      .map((c) => c.company_id)
      .find((id) =>
        network.sensors.segment.some(
          (s, i) =>
            s >= 0 &&
            network.sensors.quantity[i] === pressure &&
            network.companies[network.segments.company[s]!]?.id === id,
        ),
      );
    expect(company).toBeDefined();
    engineer = await signIn(db.sql, api.url, {
      username: 'pia.engineer',
      displayName: 'Pia Engineer',
      role: 'plant_engineer',
      companyId: company!,
    });
    engineerNetwork = await getAs<NetworkResponse>(api.url, engineer, '/api/network');
    chromium = await launchChromium();
    // the operator opens the console: no mode in the address, the role's (the wall)
    operatorPage = await openPage(chromium.browser, api.url, operator, '/');
  }, 180_000);

  afterAll(async () => {
    await chromium?.close();
    await api?.stop();
    await broker?.stop();
    await db?.drop();
  }, 60_000);

  it('draws every segment of the plant with a handful of draw calls', async () => {
    const { page, errors } = operatorPage!;
    const stats = await page.evaluate(() => ({ ...window.__consoleStats! }));
    const kinds = new Set(plant.equipment.map((e) => e.kind)).size;
    // the control room sees every company's pipes
    expect(stats.segments).toBe(plant.segments.length);
    expect(stats.pieces).toBe(plant.segments.reduce((a, s) => a + s.path.length - 1, 0));
    expect(stats.instancedMeshes).toBe(1 + kinds);
    expect(stats.drawCalls).toBeGreaterThan(0);
    // ground and lines, pipes, one per equipment kind
    expect(stats.drawCalls).toBeLessThanOrEqual(10);
    expect(stats.mode).toBe('wall');
    expect(errors).toEqual([]);
  });

  it('shows a reading published to the broker in the page within seconds', async () => {
    const { page, context, errors } = operatorPage!;
    try {
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
      const pub = await mqtt.connectAsync(broker.url, {
        clientId: `console-e2e-pub-${process.pid}`,
      });
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
      expect(errors).toEqual([]);
    } finally {
      // a wall renders by itself once alarms flash: close it so the other pages get the CPU
      await context.close();
      operatorPage = null;
    }
  });

  it('names the pipe under the pointer in the tooltip, updates its live values, opens its details and trends on a click', async () => {
    // a plant engineer opens the console: the condition browser, their company's pipes
    engineerPage = await openPage(chromium.browser, api.url, engineer, '/');
    const { page, errors } = engineerPage;
    expect(await openedMode(page)).toBe('condition');
    const network = engineerNetwork;
    expect(await page.evaluate(() => window.__consoleStats!.segments)).toBe(
      plant.segments.filter((s) => s.companyId === engineer.companyId).length,
    );
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
    // an hour of stored history for its trend (no ingest runs in this stack): the engineer's
    // company's, so they may read it
    const now = Date.now();
    await ensurePartitions(db.sql, [
      Math.floor((now - 3_600_000) / 86_400_000),
      Math.floor(now / 86_400_000),
    ]);
    const sid = network.sensors.id[sensor]!;
    await db.sql`
      insert into readings (time, sensor_id, value, quality)
      select to_timestamp(${now / 1000}::float8 - g * 60), ${sid}, 1800 + 20 * sin(g / 6.0), 0
      from generate_series(1, 59) g`;
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
    // its inspection history, then a trend drawn by the chart library
    await panel.locator('[data-testid=tab-condition]').click();
    await panel.locator('[data-testid=inspection-history]').waitFor({ timeout: 10_000 });
    await panel.locator('[data-testid=tab-trends]').click();
    await panel.locator('[data-testid=trend-chart] canvas').waitFor({ timeout: 10_000 });
    expect(await panel.locator('[data-testid=trend-resolution]').textContent()).toMatch(
      /^59 points · resolution raw/,
    );
    await page.mouse.move(700, 5);
    await page.screenshot({ path: join(artifacts, 'console-e2e.png') });
    expect(errors).toEqual([]);
  }, 90_000);

  it('an engineer filters to remaining life under 5 years and sees as many pipes highlighted as the api counts', async () => {
    const { page, context, errors } = engineerPage!;
    await page.keyboard.press('Escape');
    await page.locator('[data-testid=colour-mode]').selectOption('remaining_life');
    await page.waitForFunction(() =>
      document.querySelector('[data-testid=legend]')?.textContent?.includes('< 2'),
    );
    await page.locator('[data-testid=filter-remaining-life-max]').fill('5');
    await page.locator('[data-testid=filter-apply]').click();
    await page.locator('[data-testid=condition-results]').waitFor({ timeout: 15_000 });
    // the api's count for the same engineer: their company's pipes
    const q = new URLSearchParams({ remaining_life_max: '5', limit: '1' });
    const api5 = await getAs<ConditionSearchResponse>(
      api.url,
      engineer,
      `/api/condition/segments?${q}`,
    );
    expect(api5.total).toBeGreaterThan(0);
    expect(api5.total).toBeLessThan(engineerNetwork.segments.id.length);
    const shown = Number(
      (await page.locator('[data-testid=match-total]').textContent())!.replace(/,/g, ''),
    );
    expect(shown).toBe(api5.total);
    await page.waitForFunction((n) => window.__consoleStats!.highlighted === n, api5.total, {
      timeout: 5000,
    });
    expect(
      Number(
        (await page.locator('[data-testid=match-highlighted]').textContent())!.replace(/,/g, ''),
      ),
    ).toBe(api5.total);
    await page.getByRole('button', { name: 'Overview' }).click();
    await page.waitForTimeout(1800);
    await page.screenshot({ path: join(artifacts, 'console-condition.png') });
    expect(errors).toEqual([]);
    await context.close();
    engineerPage = null;
  }, 60_000);

  it('the wall display shows an injected leak within seconds: caption, camera on the leak, text legible from 6 m', async () => {
    // a wall display opens the link of its display token: read-only, sent to the wall
    const link = await displayLink(api.url, admin, 'control room wall 1');
    const wall = await openPage(chromium.browser, api.url, null, link, {
      width: 1920,
      height: 1080,
    });
    try {
      expect(new URL(wall.page.url()).pathname + new URL(wall.page.url()).search).toBe(
        '/?mode=wall',
      );
      expect(await openedMode(wall.page)).toBe('wall');
      expect(await wall.page.locator('[data-testid=wall-caption]').count()).toBe(0);
      const before = await wall.page.evaluate(() => [...window.__consoleStats!.cameraTarget]);
      const t0 = Date.now();
      const { alert, detail } = await raiseLeakAlert(db.sql, broker.url, plant);
      // raised on a line carrying a toxic substance: an incident, which every wall sees
      expect(alert.source_type).toBe('line');
      expect(alert.incident).toBe(true);
      const caption = wall.page.locator('[data-testid=wall-caption-headline]');
      await caption.waitFor({ timeout: 10_000 });
      const seconds = (Date.now() - t0) / 1000;
      expect(seconds).toBeLessThan(10);
      expect(await caption.textContent()).toBe(`LEAK · ${detail.substance_name}`);
      const text = (await wall.page.locator('[data-testid=wall-caption]').textContent()) ?? '';
      expect(text).toContain(detail.company_name);
      expect(text).toContain('m³/h');
      expect(text).toMatch(/since onset/);
      expect(await wall.page.locator('[data-testid=count-unacked]').textContent()).toMatch(/1/);
      // the camera flies to the leak: its target ends near the leak (three: x, z, -y), between it
      // and the zones downwind, and stays there
      const [lx, ly, lz] = detail.position.xyz;
      const near = (t: number[]) => Math.hypot(t[0]! - lx, t[2]! + ly);
      const orange = detail.threat_zones!.zones.find((z) => z.level === 'orange')!;
      await wall.page.waitForFunction(
        ([x, y, reach]) => {
          const t = window.__consoleStats!.cameraTarget;
          return Math.hypot(t[0] - x, t[2] + y) <= reach;
        },
        [lx, ly, orange.max_distance_m / 2 + 5] as const,
        { timeout: 10_000 },
      );
      await wall.page.waitForTimeout(2000);
      const after = await wall.page.evaluate(() => [...window.__consoleStats!.cameraTarget]);
      expect(near(after)).toBeLessThan(near(before) - 100);
      expect(await wall.page.evaluate(() => window.__consoleStats!.focusAlertId)).toBe(alert.id);
      // the leak is on screen, above the caption
      const leakOnScreen = await wall.page.evaluate(
        ([x, y, z]) => window.__consoleProjectSite!(x, y, z),
        [lx, ly, lz] as const,
      );
      const captionBox = (await wall.page.locator('[data-testid=wall-caption]').boundingBox())!;
      expect(leakOnScreen?.visible).toBe(true);
      expect(leakOnScreen!.y).toBeLessThan(captionBox.y);
      // 16 arc-minutes at 6 m is 27.9 mm; a 55" 1080p panel has 0.634 mm pixels: 44 px capitals
      const smallestCap = await wall.page.evaluate(() => {
        const ctx = document.createElement('canvas').getContext('2d')!;
        let min = Infinity;
        for (const el of Array.from(
          document.querySelectorAll<HTMLElement>(
            '[data-testid=wall-header] *, [data-testid=wall-caption] *',
          ),
        )) {
          if (!el.textContent?.trim() || el.children.length > 0) continue;
          const cs = getComputedStyle(el);
          ctx.font = `${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
          min = Math.min(min, ctx.measureText('H').actualBoundingBoxAscent);
        }
        return min;
      });
      expect(smallestCap).toBeGreaterThanOrEqual(44);
      await wall.page.waitForTimeout(1500);
      await wall.page.screenshot({ path: join(artifacts, 'console-wall.png') });
      expect(wall.errors).toEqual([]);
    } finally {
      await wall.context.close();
    }
  }, 90_000);

  it('two safety officers work the same incident: ack and comment from one appear, with the audit trail, at the other', async () => {
    const [ana, ben] = await Promise.all([
      signIn(db.sql, api.url, {
        username: 'ana.officer',
        displayName: 'Ana Officer',
        role: 'safety_officer',
      }),
      signIn(db.sql, api.url, {
        username: 'ben.field',
        displayName: 'Ben Field',
        role: 'safety_officer',
      }),
    ]);
    // each opens the console: incident response by their role
    const [a, b] = await Promise.all([
      openPage(chromium.browser, api.url, ana, '/', { width: 1600, height: 1000 }),
      openPage(chromium.browser, api.url, ben, '/', { width: 1600, height: 1000 }),
    ]);
    try {
      expect(await openedMode(a.page)).toBe('incident');
      expect(await openedMode(b.page)).toBe('incident');
      const item = (p: Page) => p.locator('[data-testid=queue-item]').first();
      await item(a.page).waitFor({ timeout: 10_000 });
      const id = Number(await item(a.page).getAttribute('data-alert-id'));
      await item(a.page).click();
      await item(b.page).click();
      const panel = (p: Page) => p.locator('[data-testid=incident-panel]');
      // signed in, nobody types a name: the actions act as the session's user
      for (const [p, name] of [
        [a.page, 'Ana Officer'],
        [b.page, 'Ben Field'],
      ] as const) {
        await panel(p).locator('[data-testid=actions]').waitFor({ timeout: 10_000 });
        expect(await p.locator('[data-testid=actor-name]').count()).toBe(0);
        expect(await panel(p).locator('.actions__who').textContent()).toBe(`acting as ${name}`);
      }
      expect(await panel(a.page).locator('[data-testid=threat-zones]').textContent()).toMatch(
        /RED/,
      );
      expect(
        await panel(a.page).locator('[data-testid=isolation-valves] li').count(),
      ).toBeGreaterThan(0);
      await panel(a.page).locator('[data-testid=action-ack]').click();
      await a.page.waitForFunction(() =>
        document
          .querySelector('[data-testid=incident-state]')
          ?.textContent?.includes('C · acknowledged'),
      );
      await panel(a.page)
        .locator('[data-testid=action-note]')
        .fill('field crew sent to the valves');
      await panel(a.page).locator('[data-testid=action-comment]').click();
      // the other officer sees both without reloading, with who did them
      await b.page.waitForFunction(
        () => {
          const t = document.querySelector('[data-testid=audit-trail]')?.textContent ?? '';
          return t.includes('Ana Officer ack') && t.includes('field crew sent to the valves');
        },
        null,
        { timeout: 10_000 },
      );
      expect(await panel(b.page).locator('[data-testid=incident-state]').textContent()).toMatch(
        /C · acknowledged/,
      );
      expect(await panel(b.page).locator('[data-testid=action-ack]').isDisabled()).toBe(true);
      // Ben comments back; Ana sees it under his name
      await panel(b.page).locator('[data-testid=action-note]').fill('closing the upstream valve');
      await panel(b.page).locator('[data-testid=action-comment]').click();
      await a.page.waitForFunction(
        () =>
          (document.querySelector('[data-testid=audit-trail]')?.textContent ?? '').includes(
            'Ben Field comment',
          ),
        null,
        { timeout: 10_000 },
      );
      const stored = await getAs<AlertWithEvents>(api.url, ana, `/api/alerts/${id}`);
      expect(stored.events.map((e) => `${e.actor} ${e.action}`)).toEqual(
        expect.arrayContaining(['Ana Officer ack', 'Ana Officer comment', 'Ben Field comment']),
      );
      await b.page.screenshot({ path: join(artifacts, 'console-incident.png') });
      expect([...a.errors, ...b.errors]).toEqual([]);
    } finally {
      await a.context.close();
      await b.context.close();
    }
  }, 120_000);

  it('sign-in start: unsigned goes to sign in and comes back; each role opens its mode; an ended session signs in again; an api without sign-in lets the person choose', async () => {
    // the admin makes an account with a password through the api
    const password = 'console e2e safety password';
    const made = await fetch(`${api.url}/api/users`, {
      method: 'POST',
      headers: { cookie: admin.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({
        username: 'cara.safety',
        display_name: 'Cara Safety',
        role: 'safety_officer',
        password,
      }),
    });
    expect(made.status).toBe(201);
    const context = await chromium.browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      // without a session the console sends the browser to the sign-in page, and back after it
      const p = await context.newPage();
      await p.goto(`${api.url}/?mode=incident`, { waitUntil: 'load' });
      expect(new URL(p.url()).pathname).toBe('/signin');
      expect(new URL(p.url()).searchParams.get('next')).toBe('/?mode=incident');
      await p.fill('#username', 'cara.safety');
      await p.fill('#password', password);
      await Promise.all([
        p.waitForURL(`${api.url}/?mode=incident`, { waitUntil: 'commit' }),
        p.click('button[type=submit]'),
      ]);
      expect(await openedMode(p)).toBe('incident');
      await p.locator('[data-testid=alert-queue]').waitFor({ timeout: 30_000 });
      expect(await p.locator('[data-testid=signed-in-user]').textContent()).toContain(
        'Cara Safety',
      );
      // a safety officer keeps the role's mode: no tabs
      expect(await p.locator('.modes').count()).toBe(0);

      // the session ends while the page is open (here: signed out elsewhere): the next call of
      // the page is answered 401 and the page goes to sign in, to come back where it was
      const cookies = await context.cookies(api.url);
      const secret = cookies.find((c) => c.name === 'ct_session')!.value;
      const out = await fetch(`${api.url}/api/auth/signout`, {
        method: 'POST',
        headers: { cookie: `ct_session=${secret}` },
      });
      expect(out.status).toBe(204);
      await p.waitForURL(/\/signin\?next=/, { timeout: 20_000 });
      expect(new URL(p.url()).searchParams.get('next')).toBe('/?mode=incident');
    } finally {
      await context.close();
    }

    // each role opens the console through a one-time link (as `pnpm start` prints for the first
    // admin, and `POST /api/users` makes for others) and lands in its mode
    const roles = [
      { role: 'operator', mode: 'wall', tabs: false, marker: 'wall-header' },
      { role: 'plant_engineer', mode: 'condition', tabs: false, marker: 'condition-sidebar' },
      { role: 'company_admin', mode: 'condition', tabs: false, marker: 'condition-sidebar' },
      { role: 'complex_admin', mode: 'incident', tabs: true, marker: 'alert-queue' },
      { role: 'regulator', mode: 'incident', tabs: true, marker: 'alert-queue' },
    ] as const;
    for (const r of roles) {
      const company = r.role === 'plant_engineer' || r.role === 'company_admin';
      const path = await signinLink(db.sql, {
        username: `start.${r.role.replace('_', '-')}`,
        displayName: `Start ${r.role}`,
        role: r.role,
        companyId: company ? engineer.companyId : null,
      });
      const c = await chromium.browser.newContext({ viewport: { width: 1280, height: 800 } });
      try {
        const p = await c.newPage();
        const errors: string[] = [];
        p.on('pageerror', (e) => errors.push(e.message));
        await p.goto(`${api.url}${path}`, { waitUntil: 'commit' });
        expect(await openedMode(p), r.role).toBe(r.mode);
        expect(new URL(p.url()).pathname).toBe('/');
        await p.locator(`[data-testid=${r.marker}]`).waitFor({ timeout: 30_000 });
        expect(await p.locator('.modes').count(), r.role).toBe(r.tabs ? 1 : 0);
        if (r.role === 'complex_admin' || r.role === 'regulator') {
          // no live values for these roles: the page reads the open incidents instead, and
          // offers no actions
          await p.locator('[data-testid=queue-item]').first().waitFor({ timeout: 15_000 });
          expect(await p.locator('[data-testid=connection-state]').textContent()).toBe(
            'Alerts only',
          );
          await p.locator('[data-testid=queue-item]').first().click();
          await p.locator('[data-testid=actions-readonly]').waitFor({ timeout: 10_000 });
          expect(await p.locator('[data-testid=action-ack]').count()).toBe(0);
          // to the wall and back: the wall keeps a small way back for those who may switch
          await p.locator('[data-testid=mode-wall]').click();
          await p.locator('[data-testid=wall-header]').waitFor();
          expect(new URL(p.url()).searchParams.get('mode')).toBe('wall');
          await p.locator('[data-testid=wall-modes] [data-testid=mode-incident]').click();
          await p.locator('[data-testid=alert-queue]').waitFor();
        }
        if (r.role === 'operator') {
          expect(await p.locator('[data-testid=wall-modes]').count()).toBe(0);
        }
        if (r.role === 'plant_engineer') {
          await p.screenshot({ path: join(artifacts, 'console-signed-in-engineer.png') });
        }
        expect(errors, r.role).toEqual([]);
      } finally {
        await c.close();
      }
    }

    // an api without sign-in (GET /api/me answers 404): the person chooses a mode
    const open = await chromium.browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      await addSession(open, api.url, operator);
      const p = await open.newPage();
      await p.route('**/api/me', (r) => r.fulfill({ status: 404, body: '{}' }));
      await p.goto(`${api.url}/`, { waitUntil: 'commit' });
      await p.locator('[data-testid=mode-chooser]').waitFor({ timeout: 30_000 });
      await p.screenshot({ path: join(artifacts, 'console-choose-mode.png') });
      await p.locator('[data-testid=choose-incident]').click();
      await p.locator('[data-testid=alert-queue]').waitFor();
      expect(new URL(p.url()).searchParams.get('mode')).toBe('incident');
    } finally {
      await open.close();
    }
  }, 240_000);

  it('an alarm flood (more than 10 new alerts in 10 minutes in one area) shows on the wall and in the queue', async () => {
    const officer = await signIn(db.sql, api.url, {
      username: 'dan.officer',
      displayName: 'Dan Officer',
      role: 'safety_officer',
    });
    const wall = await openPage(chromium.browser, api.url, operator, '/', {
      width: 1920,
      height: 1080,
    });
    const desk = await openPage(chromium.browser, api.url, officer, '/');
    try {
      expect(await openedMode(wall.page)).toBe('wall');
      expect(await wall.page.locator('[data-testid=flood-status]').textContent()).toBe(
        'no alarm flood',
      );
      // incidents, which the control room counts: pipes carrying toxic or flammable substances
      const area = plant.areas[0]!.id;
      const hazardous = new Set(
        plant.substances.filter((x) => x.toxic || x.flammable).map((x) => x.id),
      );
      const pipes = plant.segments.filter(
        (sg) => sg.areaId === area && hazardous.has(sg.substanceId),
      );
      expect(pipes.length).toBeGreaterThanOrEqual(11);
      for (const sg of pipes.slice(0, 11)) {
        const a = await raiseAndAnnounce(db.sql, broker.url, {
          companyId: sg.companyId,
          areaId: area,
          kind: 'pressure_anomaly',
          sourceType: 'segment',
          sourceId: sg.id,
          severity: 'low',
          title: `${sg.id}: pressure out of its band (drill)`,
          detail: { score: 0.7 },
          atMs: Date.now(),
          actor: 'detector-test',
        });
        expect(a.incident).toBe(true);
      }
      await wall.page.waitForFunction(
        (a) =>
          document
            .querySelector('[data-testid=flood-status]')
            ?.textContent?.startsWith(`⚠ FLOOD ${a}: 11 in 10 min`),
        area,
        { timeout: 15_000 },
      );
      await desk.page.locator('[data-testid=queue-flood]').waitFor({ timeout: 10_000 });
      expect(await desk.page.locator('[data-testid=queue-flood]').textContent()).toContain(area);
      await wall.page.screenshot({ path: join(artifacts, 'console-wall-flood.png') });
      expect([...wall.errors, ...desk.errors]).toEqual([]);
    } finally {
      await wall.context.close();
      await desk.context.close();
    }
  }, 90_000);

  it('the wall survives losing the api: says since when its data is stale, then reconnects by itself', async () => {
    const wall = await openPage(
      chromium.browser,
      api.url,
      null,
      await displayLink(api.url, admin, 'control room wall 2'),
      { width: 1920, height: 1080 },
    );
    const state = wall.page.locator('[data-testid=wall-data-state]');
    try {
      expect(await state.textContent()).toBe('data live');
      const port = Number(new URL(api.url).port);
      const lost = Date.now();
      api.child.kill('SIGKILL');
      await wall.page.waitForFunction(
        () =>
          document
            .querySelector('[data-testid=wall-data-state]')
            ?.textContent?.startsWith('‖ DATA STALE SINCE '),
        null,
        { timeout: 10_000 },
      );
      // stale since the last message heard, at most a few seconds before the loss
      const since = (await state.textContent())!.slice(-8);
      const [h, m, sec] = since.split(':').map(Number);
      const d = new Date(lost);
      const sinceMs = new Date(d.getFullYear(), d.getMonth(), d.getDate(), h, m, sec).getTime();
      expect(Math.abs(lost - sinceMs)).toBeLessThan(15_000);
      await wall.page.screenshot({ path: join(artifacts, 'console-wall-stale.png') });
      api = await startApi(apiEnv, 30_000, port);
      // the display's session is the database's: it holds across the api's restart
      await wall.page.waitForFunction(
        () => document.querySelector('[data-testid=wall-data-state]')?.textContent === 'data live',
        null,
        { timeout: 30_000 },
      );
      expect(wall.errors).toEqual([]);
    } finally {
      await wall.context.close();
    }
  }, 90_000);
});
