import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { GroundTruthEntrySchema, type GroundTruthEntry } from '@ct/contracts';

/**
 * The ground-truth log: one JSON line per incident event, appended and synced to disk at once,
 * so a detector's scorer can read it while the simulator runs and nothing is lost on a crash.
 */
export class GroundTruthLog {
  private fd: number | null;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'a');
  }

  append(entry: GroundTruthEntry): void {
    if (this.fd === null) throw new Error(`ground-truth log ${this.path} is closed`);
    const line = JSON.stringify(GroundTruthEntrySchema.parse(entry)) + '\n';
    writeSync(this.fd, line);
    fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
