import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { API_ERRORS } from './errors';

describe('the api error catalogue', () => {
  it('documents every code with its status in docs/errors.md', () => {
    const doc = readFileSync(
      join(import.meta.dirname, '..', '..', '..', 'docs', 'errors.md'),
      'utf8',
    );
    for (const [code, { status }] of Object.entries(API_ERRORS)) {
      expect(doc).toMatch(new RegExp(`\\| \`${code}\` \\| ${status} \\|`));
    }
  });
});
