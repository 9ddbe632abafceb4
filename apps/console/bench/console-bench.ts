// Opens the console in headless Chromium against a running api and prints what it costs:
// bundle size, time to the first frame with the network drawn, draw calls, triangles, idle
// frames. Optional screenshots of the overview, a hover tooltip and the detail panel.
//   node --import tsx apps/console/bench/console-bench.ts [url] [--shots dir]
import { statSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium } from '../test/chromium';
import '../src/console-api';

const url =
  process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : 'http://localhost:8080/';
const shotsAt = process.argv.indexOf('--shots');
const shots = shotsAt > 0 ? process.argv[shotsAt + 1] : undefined;
const dist = join(import.meta.dirname, '..', 'dist', 'assets');

const { browser, close } = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // long tasks (> 50 ms on the main thread) from the start of the page
  await page.addInitScript(() => {
    const w = window as unknown as { __longTasks: number[] };
    w.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__longTasks.push(Math.round(e.duration));
    }).observe({ type: 'longtask', buffered: true });
  });
  const t0 = Date.now();
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForFunction(() => window.__consoleReady === true, null, { timeout: 120_000 });
  const readyMs = Date.now() - t0;
  const stats = await page.evaluate(() => ({ ...window.__consoleStats! }));
  // idle: with frameloop="demand" nothing is drawn while nothing changes
  const framesBefore = stats.frames;
  await page.waitForTimeout(3000);
  const idleFrames = (await page.evaluate(() => window.__consoleStats!.frames)) - framesBefore;
  const longTasksMs = await page.evaluate(
    () => (window as unknown as { __longTasks: number[] }).__longTasks,
  );

  if (shots) {
    await page.screenshot({ path: join(shots, 'console-overview.png') });
    // hover the pipe whose middle is nearest the centre of the view (at the overview), click it
    const candidates = await page.evaluate(() => {
      const out: { x: number; y: number; d: number }[] = [];
      for (let i = 0; i < window.__consoleStats!.segments; i++) {
        const q = window.__consoleProject!(i);
        if (q?.visible)
          out.push({
            x: q.x,
            y: q.y,
            d: Math.hypot(q.x - innerWidth * 0.45, q.y - innerHeight * 0.55),
          });
      }
      return out.sort((a, b) => a.d - b.d).slice(0, 20);
    });
    for (const p of candidates) {
      await page.mouse.move(p.x, p.y);
      await page.waitForTimeout(150);
      const kind = await page.textContent('[data-testid=tooltip] .summary__kind').catch(() => null);
      if (kind !== 'Segment') continue;
      await page.waitForTimeout(1200);
      await page.screenshot({ path: join(shots, 'console-hover.png') });
      await page.mouse.click(p.x, p.y);
      await page.waitForSelector('.sensor-table, .panel .muted', { timeout: 10_000 });
      // out of the way: over the header, so no tooltip
      await page.mouse.move(800, 20);
      await page.waitForTimeout(1500);
      await page.screenshot({ path: join(shots, 'console-detail.png') });
      break;
    }
  }

  const js = readdirSync(dist).filter((f) => f.endsWith('.js'));
  const bundleBytes = js.reduce((a, f) => a + statSync(join(dist, f)).size, 0);
  console.log(
    JSON.stringify(
      {
        url,
        bundleBytes,
        readyMs,
        firstFrameMs: stats.firstFrameMs,
        segments: stats.segments,
        pieces: stats.pieces,
        instancedMeshes: stats.instancedMeshes,
        drawCalls: stats.drawCalls,
        triangles: stats.triangles,
        liveValues: stats.liveValues,
        idleFramesIn3s: idleFrames,
        longTasksMs,
        errors,
      },
      null,
      2,
    ),
  );
} finally {
  await close();
}
