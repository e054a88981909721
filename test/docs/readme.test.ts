import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { reasonCodes } from '../../schemas/dlq/headers.ts';
import { configVariables } from '../../services/config/index.ts';
import { errorCodes } from '../../services/errors.ts';

// The README is the operator's reference: every variable the configuration reads, every error code
// and every dead-letter reason must be documented there.

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it.each(configVariables)('documents %s', (name) => {
    expect(readme).toMatch(new RegExp(`^\\| \`${name}\` \\|`, 'm'));
  });
  it.each(Object.keys(errorCodes))('documents error code %s', (code) => {
    expect(readme).toMatch(new RegExp(`^\\| \`${code}\` \\|`, 'm'));
  });
  it('lists every dead-letter reason code', () => {
    for (const code of reasonCodes) expect(readme).toContain(`\`${code}\``);
  });
});
