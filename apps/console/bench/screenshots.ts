// Screenshots of the three modes for docs/console.md, against a running `pnpm start` stack, each
// as the role that uses it, signed in through a one-time link made in the stack's database (as
// `POST /api/users` makes them): the operator's wall all normal, then a drill leak alert raised
// as the leak detector raises it (see test/leak-alert.ts), the wall on the leak, the safety
// officer's incident and the condition browser of a plant engineer of the company with the most
// pipes under 5 years of remaining life. The broker takes no anonymous clients: the alert is
// announced with a service account of the detector's rights made for this run (removed after).
//   node --import tsx apps/console/bench/screenshots.ts --url http://127.0.0.1:8080 \
//     --database postgres://postgres@127.0.0.1:15432/complextwin --mqtt mqtt://127.0.0.1:1884 \
//     [--seed 42 --size default] [--out docs/img]
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { connect, upsertMqttService } from '@ct/db';
import { hashMqttPassword } from '@ct/mqtt-auth';
import { generatePlant, type PlantSize } from '@ct/plant';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../test/chromium';
import { raiseLeakAlert } from '../test/leak-alert';
import { repoRoot, signinLink, type TestUser } from '../test/stack';
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
const mqttUrl = new URL(arg('mqtt', 'mqtt://127.0.0.1:1884'));
const MQTT_USER = 'console-screenshots';
const mqttPassword = randomBytes(18).toString('base64url');
await upsertMqttService(sql, {
  username: MQTT_USER,
  service: 'detector',
  passwordHash: await hashMqttPassword(mqttPassword),
});
mqttUrl.username = MQTT_USER;
mqttUrl.password = mqttPassword;

/** A page signed in as `user` (its one-time link), on the console in the role's mode. */
const signedIn = async (
  browser: Browser,
  user: TestUser,
  viewport: { width: number; height: number },
): Promise<Page> => {
  const page = await (await browser.newContext({ viewport })).newPage();
  await page.goto(`${url}${await signinLink(sql, user)}`, { waitUntil: 'commit' });
  await page.waitForFunction(() => window.__consoleReady === true, null, { timeout: 120_000 });
  return page;
};
// the engineer's company: the one with the most pipes under 5 years of remaining life
const [worst] = await sql<{ company_id: string }[]>`
  select company_id from segment_condition group by company_id
  order by count(*) filter (where remaining_life_y < 5) desc, company_id limit 1`;

const { browser, close } = await launchChromium();
try {
  const wall = await signedIn(
    browser,
    { username: 'olga.operator', displayName: 'Olga Operator', role: 'operator' },
    { width: 1920, height: 1080 },
  );
  await wall.waitForTimeout(2500);
  await wall.screenshot({ path: join(out, 'console-wall-normal.png') });

  const { alert } = await raiseLeakAlert(sql, mqttUrl.toString(), plant, {
    windFromDeg: 215,
    rateM3h: 2.5,
  });
  await wall.locator('[data-testid=wall-caption]').waitFor({ timeout: 15_000 });
  await wall.waitForTimeout(4000);
  await wall.screenshot({ path: join(out, 'console-wall-leak.png') });
  // a flashing wall renders all the time: close it so the other pages get the CPU
  await wall.close();

  const officer = await signedIn(
    browser,
    { username: 'ana.officer', displayName: 'Ana Officer', role: 'safety_officer' },
    { width: 1600, height: 1000 },
  );
  await officer.locator(`[data-alert-id="${alert.id}"]`).click();
  await officer.locator('[data-testid=threat-zones]').waitFor();
  await officer.waitForTimeout(6000);
  await officer.screenshot({ path: join(out, 'console-incident.png') });

  const engineer = await signedIn(
    browser,
    {
      username: `pia.${worst!.company_id}`,
      displayName: 'Pia Engineer',
      role: 'plant_engineer',
      companyId: worst!.company_id,
    },
    { width: 1600, height: 1000 },
  );
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
  await sql`delete from mqtt_account where username = ${MQTT_USER}`;
  await sql.end();
}
