// Screenshots of the three modes for docs/console.md, against a running `pnpm start` stack:
// the wall all normal, then a drill leak alert raised as the leak detector will raise it (see
// test/leak-alert.ts), the wall on the leak, the safety officer's incident and the engineer's
// condition browser.
//   node --import tsx apps/console/bench/screenshots.ts --url http://127.0.0.1:8080 \
//     --database postgres://postgres@127.0.0.1:15432/complextwin --mqtt mqtt://127.0.0.1:1884 \
//     [--seed 42 --size default] [--out docs/img]
import { join, resolve } from 'node:path';
import { connect } from '@ct/db';
import { generatePlant, type PlantSize } from '@ct/plant';
import type { Page } from 'playwright-core';
import { launchChromium } from '../test/chromium';
import { raiseLeakAlert } from '../test/leak-alert';
import { repoRoot } from '../test/stack';
import '../src/console-api';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
};
const url = arg('url', 'http://127.0.0.1:8080');
const out = resolve(repoRoot, arg('out', 'docs/img'));
const plant = generatePlant({
  seed: Number(arg('seed', '42')),
  size: arg('size', 'default') as PlantSize,
});
const sql = connect(arg('database', 'postgres://postgres@127.0.0.1:15432/complextwin'), { max: 1 });
const mqttUrl = arg('mqtt', 'mqtt://127.0.0.1:1884');

const ready = async (page: Page, path: string) => {
  await page.goto(`${url}${path}`, { waitUntil: 'commit' });
  await page.waitForFunction(() => window.__consoleReady === true, null, { timeout: 120_000 });
};

const { browser, close } = await launchChromium();
try {
  const wall = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  await ready(wall, '/?mode=wall');
  await wall.waitForTimeout(2500);
  await wall.screenshot({ path: join(out, 'console-wall-normal.png') });

  const { alert } = await raiseLeakAlert(sql, mqttUrl, plant, { windFromDeg: 215, rateM3h: 2.5 });
  await wall.locator('[data-testid=wall-caption]').waitFor({ timeout: 15_000 });
  await wall.waitForTimeout(4000);
  await wall.screenshot({ path: join(out, 'console-wall-leak.png') });
  // a flashing wall renders all the time: close it so the other pages get the CPU
  await wall.close();

  const officer = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await ready(officer, '/?mode=incident');
  await officer.locator(`[data-alert-id="${alert.id}"]`).click();
  await officer.locator('[data-testid=actor-name]').fill('Ana Officer');
  await officer.locator('[data-testid=actor-name]').press('Enter');
  await officer.locator('[data-testid=threat-zones]').waitFor();
  await officer.waitForTimeout(6000);
  await officer.screenshot({ path: join(out, 'console-incident.png') });

  const engineer = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await ready(engineer, '/?mode=condition');
  await engineer.locator('[data-testid=colour-mode]').selectOption('remaining_life');
  await engineer.waitForTimeout(3000);
  await engineer.screenshot({ path: join(out, 'console-condition-colour.png') });
  await engineer.locator('[data-testid=filter-remaining-life-max]').fill('5');
  await engineer.locator('[data-testid=filter-apply]').click();
  await engineer.locator('[data-testid=condition-results]').waitFor();
  await engineer.waitForTimeout(2000);
  await engineer.screenshot({ path: join(out, 'console-condition-filter.png') });
  // the first match: its detail, condition and a trend of its sensors
  await engineer.locator('[data-testid=condition-results] button.link').first().click();
  await engineer.locator('[data-testid=detail-panel] [data-testid=tab-trends]').click();
  await engineer.locator('[data-testid=trend-chart] canvas').waitFor({ timeout: 15_000 });
  await engineer.mouse.move(800, 20);
  await engineer.waitForTimeout(2000);
  await engineer.screenshot({ path: join(out, 'console-condition-detail.png') });
  console.log(
    `screenshots in ${out}; drill alert ${alert.id} left open (resolve it in the console)`,
  );
} finally {
  await close();
  await sql.end();
}
