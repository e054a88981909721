import { describe, expect, it } from 'vitest';
import { brokers } from '../support/kafka.ts';
import { qrmOnce } from '../support/cli.ts';

// The demo, shortened: from nothing to a level I–II county warning for a real product and county,
// emailed and texted, through every service.

describe('qrm demo', () => {
  it('shows a level I–II warning with its evidence, and the emails and SMS it caused', async () => {
    const r = await qrmOnce(['demo', '--until-warning', '--timeout', '150', '--days', '63'], { KAFKA_BROKERS: brokers(), LOG_LEVEL: 'warn' });
    expect(r.code, r.stderr + r.stdout.slice(-2000)).toBe(0);
    expect(r.stdout).toMatch(/warning opened · level (I|II) · .* \(county\)/);
    expect(r.stdout).toMatch(/investigative exposé|weighted voices/);
    expect(r.stdout).toMatch(/✉ {2}email to .*@amr\.example\.gov\.cn: 【/);
    expect(r.stdout).toMatch(/✆ {2}SMS to 138\*\*\*\*\d{4}: \[qrm\]/);
    expect(r.stdout).toContain('weekly report');
  }, 200_000);
});
