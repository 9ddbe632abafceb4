import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

async function newestMtime(path: string): Promise<number> {
  const s = await stat(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = s.mtimeMs;
  for (const entry of await readdir(path)) {
    newest = Math.max(newest, await newestMtime(join(path, entry)));
  }
  return newest;
}

/**
 * Builds the console with Vite when its sources are newer than its last build (or there is
 * none), so `pnpm start` always serves the current page without a separate step.
 */
export async function buildConsoleIfStale(
  root: string,
  log: (text: string) => void,
): Promise<void> {
  const dir = join(root, 'apps', 'console');
  if (!existsSync(join(dir, 'package.json'))) return;
  const built = join(dir, 'dist', 'index.html');
  const sources = ['src', 'index.html', 'vite.config.ts', 'package.json']
    .map((p) => join(dir, p))
    .filter((p) => existsSync(p));
  const [src, out] = await Promise.all([
    Promise.all(sources.map(newestMtime)).then((m) => Math.max(...m)),
    existsSync(built) ? stat(built).then((s) => s.mtimeMs) : Promise.resolve(0),
  ]);
  if (out >= src) return;
  log('building the console (vite) ...');
  // vite's package exports do not include its bin: find it next to its package.json
  const vitePkg = createRequire(join(dir, 'package.json')).resolve('vite/package.json');
  const vite = join(dirname(vitePkg), 'bin', 'vite.js');
  const t0 = Date.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`console build failed:\n${output.slice(-3000)}`)),
    );
  });
  log(`console built in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
