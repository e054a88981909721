import { bench, describe } from 'vitest';
import { parseIncident, simulate } from '../../services/simulate/index.ts';

// Generation speed, kept out of the test run because timings on shared machines are noise:
// `npx vitest bench test/simulate`. The target is at least 100k messages/s on one core.
const START = new Date('2026-11-16T00:00:00+08:00');
const MESSAGES = 100_000;

describe('simulate', () => {
  bench(`${MESSAGES} messages, 2 % invalid, one incident`, () => {
    const incidents = [parseIncident('complaint_surge:waterproof_membrane:130184', new Date(START.getTime() + 3_600_000))];
    let n = 0;
    for (const m of simulate({ seed: 1, start: START, durationSeconds: 86_400, ratePerSecond: 100, invalidRate: 0.02, incidents })) {
      if (m.value.length === 0 && m.valid) throw new Error('empty valid message');
      if (++n === MESSAGES) break;
    }
  }, { iterations: 5 });
});
