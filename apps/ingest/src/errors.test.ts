import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INGEST_ERRORS } from './errors';

describe('the ingest error catalogue', () => {
  it('documents every code in docs/errors.md', () => {
    const doc = readFileSync(
      join(import.meta.dirname, '..', '..', '..', 'docs', 'errors.md'),
      'utf8',
    );
    const missing = Object.keys(INGEST_ERRORS).filter((code) => !doc.includes(`\`${code}\``));
    expect(missing).toEqual([]);
  });
});
