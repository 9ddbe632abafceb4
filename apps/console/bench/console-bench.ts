// pnpm bench:console: builds the console, serves it from a real api over the `large` complex
// (about 100,000 segments) on a fresh database, opens it in headless Chromium and measures what
// the issue asks: draw calls, triangles, time to the first frame, JS time per frame and long
// tasks while 10,000 segment colours change every second. Prints one JSON line last. The page
// is a wall display signed in as a control-room operator (own stack), or through `--signin`, a
// one-time link or display link of the running api (`pnpm start` prints the admin's).
//   pnpm bench:console [--size large|default|small] [--seed N] [--seconds 5] [--rate 10000]
//                      [--url http://host:port/ (an api already running: no stack started)
//                       --signin /display/<token> | /signin/once/<token>]
import { generatePlant, type PlantSize } from '@ct/plant';
import { createTestDatabase, loadPlant, migrate, type TestDatabase } from '@ct/db';
import { startAedes, type AedesHandle } from '@ct/testkit';
import { launchChromium } from '../test/chromium';
import { addSession, dist, ensureBuilt, signIn, startApi, type ApiProcess } from '../test/stack';
import '../src/console-api';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
};
const size = arg('size', 'large') as PlantSize;
const seed = Number(arg('seed', '1'));
const seconds = Number(arg('seconds', '10'));
const rate = Number(arg('rate', '10000'));
const given = arg('url', '');
const signinPath = arg('signin', '');
const log = (m: string) => console.error(`bench:console ${m}`);

let db: TestDatabase | null = null;
let broker: AedesHandle | null = null;
let api: ApiProcess | null = null;
const { browser, close } = await (async () => {
  const t0 = Date.now();
  await ensureBuilt(true);
  log(`console built in ${Date.now() - t0} ms`);
  return launchChromium();
})();
try {
  let url = given;
  if (!url) {
    const t1 = Date.now();
    db = await createTestDatabase('ct_console_bench');
    await migrate(db.sql, { storage: 'postgres' });
    const plant = generatePlant({ seed, size });
    await loadPlant(db.sql, plant);
    log(
      `${size} complex (seed ${seed}): ${plant.segments.length} segments loaded in ${Date.now() - t1} ms`,
    );
    broker = await startAedes();
    api = await startApi(
      {
        DATABASE_URL: db.url,
        MQTT_URL: broker.url,
        STORAGE: 'postgres',
        CONSOLE_DIR: dist,
        API_INSTANCE: `api-console-bench-${process.pid}`,
      },
      180_000,
    );
    url = `${api.url}/`;
  }
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  if (db && api) {
    const operator = await signIn(db.sql, api.url, {
      username: 'bench.operator',
      displayName: 'Bench Operator',
      role: 'operator',
    });
    await addSession(context, api.url, operator);
  }
  const page = await context.newPage();
  if (signinPath) await page.goto(new URL(signinPath, url).toString(), { waitUntil: 'commit' });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // long tasks (> 50 ms on the main thread), with their start time
  await page.addInitScript(() => {
    const w = window as unknown as { __longTasks: { start: number; ms: number }[] };
    w.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries())
        w.__longTasks.push({ start: e.startTime, ms: Math.round(e.duration) });
    }).observe({ type: 'longtask', buffered: true });
  });
  const target = new URL(url);
  target.searchParams.set('mode', 'wall');
  await page.goto(target.toString(), { waitUntil: 'commit' });
  await page.waitForFunction(() => window.__consoleReady === true, null, {
    timeout: 300_000,
    polling: 500,
  });
  await page.waitForTimeout(2000);
  const idle = await page.evaluate(() => ({ ...window.__consoleStats! }));
  log(
    `ready: ${idle.segments} segments, ${idle.pieces} pieces, first frame ${idle.firstFrameMs} ms`,
  );

  // 10,000 colour changes a second, in ten batches, the way live messages arrive
  const run = await page.evaluate(
    async ([secs, perSecond]) => {
      const w = window as unknown as { __longTasks: { start: number; ms: number }[] };
      const batches = secs * 10;
      const before = window.__consoleStats!.recolours;
      const framesBefore = window.__consoleStats!.frames;
      let written = 0;
      const t0 = performance.now();
      await new Promise<void>((resolve) => {
        let n = 0;
        const timer = setInterval(() => {
          window.__consoleRecolour!(perSecond / 10);
          written += perSecond / 10;
          if (++n === batches) {
            clearInterval(timer);
            resolve();
          }
        }, 100);
      });
      // a blocked main thread would stretch this past `secs`, lowering the rate
      const t1 = performance.now();
      // let the last batch be applied
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const t2 = performance.now();
      const frames = window.__consoleStats!.frames - framesBefore;
      const times = window.__consoleFrameTimes!().slice(-frames);
      return {
        elapsedMs: t1 - t0,
        written,
        applied: window.__consoleStats!.recolours - before,
        frames,
        frameTimes: times,
        longTasks: w.__longTasks.filter((l) => l.start >= t0 && l.start <= t2).map((l) => l.ms),
      };
    },
    [seconds, rate] as const,
  );
  const sorted = [...run.frameTimes].sort((a, b) => a - b);
  const p95 = sorted.length
    ? sorted[Math.min(sorted.length - 1, Math.floor(0.95 * sorted.length))]!
    : null;
  const allLong = await page.evaluate(() =>
    (window as unknown as { __longTasks: { ms: number }[] }).__longTasks.map((l) => l.ms),
  );
  log(
    `recolour run: ${run.written} colour changes written in ${Math.round(run.elapsedMs)} ms, ${run.applied} segment repaints applied in ${run.frames} frames (changes to one segment between two frames are applied once; frame times ${JSON.stringify(run.frameTimes.map((x) => Math.round(x)))} ms), long tasks during it ${JSON.stringify(run.longTasks)}; all long tasks since navigation ${JSON.stringify(allLong)}; errors ${JSON.stringify(errors)}`,
  );
  console.log(
    JSON.stringify({
      segments: idle.segments,
      draw_calls: idle.drawCalls,
      triangles: idle.triangles,
      first_frame_ms: idle.firstFrameMs,
      p95_frame_js_ms: p95 === null ? null : Math.round(p95 * 10) / 10,
      long_tasks_over_50ms: run.longTasks.length,
      recolours_per_s: Math.round((run.written / run.elapsedMs) * 1000),
    }),
  );
} finally {
  await close();
  await api?.stop();
  await broker?.stop();
  await db?.drop();
}
