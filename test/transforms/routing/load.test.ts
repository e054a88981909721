import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { QrmError } from '../../../services/errors.ts';
import { exampleRoutesFile, formatProblem, loadRoutes, parseRoutes, RoutesError } from '../../../services/transforms/routing/index.ts';

// A routes file is edited by hand and read at start-up: every mistake must be reported at once, by
// file, line and path, before any warning is routed.

/** The problem lines for `text`, or [] when it is valid. */
function problems(text: string, file = 'routes.yaml'): string[] {
  try {
    parseRoutes(text, file);
    return [];
  } catch (err) {
    if (!(err instanceof RoutesError)) throw err;
    return err.problems.map(formatProblem);
  }
}

// Lines are numbered in the comments so that each expected line number can be checked by eye.
const recipients = `version: 1
recipients:
  xinle-bureau: { name: 新乐市市场监督管理局, email: [xinle@amr.example.gov.cn], sms: ["+8613800130184"] }
  risk-centre: { name: 风险评估中心, email: [risk-centre@example.gov.cn] }
routes:
`; // lines 1–5

describe('routes file validation', () => {
  it('accepts the shipped example', () => {
    const routes = loadRoutes(exampleRoutesFile);
    expect(routes.routes).toHaveLength(12);
    expect(Object.keys(routes.recipients)).toContain('xinle-bureau');
    expect(Object.isFrozen(routes.routes[0]!.channels)).toBe(true);
  });

  it('names an unknown recipient', () => {
    const text = `${recipients}  - match: { regions: ["130184"] }
    to: [xinle-bureau, xinle-buraeu]
    channels: { III: [email] }
`;
    expect(problems(text)).toEqual(['routes.yaml:7 routes[0].to[1]: unknown recipient xinle-buraeu']);
  });

  it('names a bad level key', () => {
    const text = `${recipients}  - to: [risk-centre]
    channels:
      II: [email]
      V: [digest]
`;
    expect(problems(text)).toEqual(['routes.yaml:9 routes[0].channels.V: unknown key; expected one of I, II, III, IV']);
  });

  it('names a bad channel', () => {
    const text = `${recipients}  - match: { regions: ["130184"], levels: [I, II] }
    to: [xinle-bureau]
    channels: { I: [email, sms], II: [email, sms] }
    continue: true
  - match: { regions: ["130184"], levels: [III, IV] }
    to: [xinle-bureau]
    channels: { III: [email], IV: [digest] }
    continue: true
  - to: [risk-centre]
    channels:
      II: [email, fax]
`;
    expect(problems(text)).toEqual(['routes.yaml:16 routes[2].channels.II[1]: expected one of email, sms, digest']);
  });

  it('names an unknown or malformed region prefix, and takes unquoted codes', () => {
    const text = `${recipients}  - match:
      regions: [130184, "139999", "1301840"]
    to: [risk-centre]
    channels: { I: [email] }
`;
    expect(problems(text)).toEqual([
      'routes.yaml:7 routes[0].match.regions[1]: unknown region code 139999',
      'routes.yaml:7 routes[0].match.regions[2]: expected a 2-, 4- or 6-digit GB/T 2260 code, got 1301840',
    ]);
  });

  it('names an unknown product', () => {
    const text = `${recipients}  - match: { products: [waterproof_membrane, waterproof_membrain] }
    to: [risk-centre]
    channels: { I: [email] }
`;
    expect(problems(text)).toEqual(['routes.yaml:6 routes[0].match.products[1]: unknown product code waterproof_membrain (see schemas/catalog/products.json)']);
  });

  it('reports a YAML syntax error at its line without validating further', () => {
    const text = `${recipients}  - to: [risk-centre]
    channels: { I: [email] }
  - to: [risk-centre
    channels: { I: [email] }
`;
    const lines = problems(text);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines[0]).toMatch(/^routes\.yaml:9 Flow sequence/);
  });

  it('reports a duplicate key as a syntax error', () => {
    const text = `version: 1
recipients:
  a: { name: A, email: [a@example.gov.cn] }
  a: { name: B, email: [b@example.gov.cn] }
routes:
  - { to: [a], channels: { I: [email] } }
`;
    expect(problems(text)).toEqual(['routes.yaml:4 Map keys must be unique']);
  });

  it('names every member of an escalateTo cycle', () => {
    const text = `version: 1
recipients:
  xinle-bureau: { name: 新乐, email: [xinle@amr.example.gov.cn], escalateTo: shijiazhuang-bureau }
  shijiazhuang-bureau: { name: 石家庄, email: [sjz@amr.example.gov.cn], escalateTo: hebei-bureau }
  hebei-bureau: { name: 河北, email: [hebei@amr.example.gov.cn], escalateTo: xinle-bureau }
  boye-bureau: { name: 博野, email: [boye@amr.example.gov.cn], escalateTo: boye-bureau }
  caoxian-bureau: { name: 曹县, email: [caoxian@amr.example.gov.cn], escalateTo: hebei-bureau }
routes:
  - { to: [xinle-bureau], channels: { I: [email] } }
`;
    expect(problems(text)).toEqual([
      'routes.yaml:3 recipients.xinle-bureau.escalateTo: escalation cycle xinle-bureau → shijiazhuang-bureau → hebei-bureau → xinle-bureau',
      'routes.yaml:4 recipients.shijiazhuang-bureau.escalateTo: escalation cycle shijiazhuang-bureau → hebei-bureau → xinle-bureau → shijiazhuang-bureau',
      'routes.yaml:5 recipients.hebei-bureau.escalateTo: escalation cycle hebei-bureau → xinle-bureau → shijiazhuang-bureau → hebei-bureau',
      'routes.yaml:6 recipients.boye-bureau.escalateTo: escalation cycle boye-bureau → boye-bureau',
    ]);
  });

  it('names an unknown escalation target and one without an email address', () => {
    const text = `version: 1
recipients:
  xinle-bureau: { name: 新乐, email: [xinle@amr.example.gov.cn], escalateTo: shijiazhuang }
  duty-phone: { name: 值班, sms: ["+8613800000000"] }
  boye-bureau: { name: 博野, email: [boye@amr.example.gov.cn], escalateTo: duty-phone }
routes:
  - { to: [xinle-bureau], channels: { I: [email] } }
`;
    expect(problems(text)).toEqual([
      'routes.yaml:3 recipients.xinle-bureau.escalateTo: unknown recipient shijiazhuang',
      'routes.yaml:5 recipients.boye-bureau.escalateTo: duty-phone has no email address to escalate to',
    ]);
  });

  it('names a channel the recipient cannot receive', () => {
    const text = `${recipients}  - to: [xinle-bureau, risk-centre]
    channels: { I: [email, sms] }
`;
    expect(problems(text)).toEqual(['routes.yaml:7 routes[0].channels.I[1]: risk-centre has no sms number']);
  });

  it('names misspelt and missing keys, unquoted phone numbers and bad timings, all at once', () => {
    const text = `version: 1
recipients:
  risk-centre:
    name: 风险评估中心
    email: [risk-centre@example.gov.cn]
    sms: [+8613800000000]
routes:
  - channels: { I: [email] }
    chanels: { II: [email] }
    groupWaitSeconds: 1.5
`;
    expect(problems(text)).toEqual([
      'routes.yaml:6 recipients.risk-centre.sms[0]: expected a string: quote the number, or YAML reads it as an integer and drops the +',
      'routes.yaml:8 routes[0].to: required',
      'routes.yaml:9 routes[0].chanels: unknown key; expected one of match, to, channels, continue, groupWaitSeconds, repeatIntervalMinutes, sendResolved, escalateAfterMinutes, escalateLevels',
      'routes.yaml:10 routes[0].groupWaitSeconds: expected an integer, got number 1.5',
    ]);
  });

  it('names a route no warning can reach', () => {
    const text = `${recipients}  - to: [risk-centre]
    channels: { I: [email] }
  - match: { regions: ["130184"] }
    to: [xinle-bureau]
    channels: { I: [email] }
`;
    expect(problems(text)).toEqual(['routes.yaml:8 routes[1]: unreachable: routes[0] matches every warning and does not continue']);
  });

  it('reads JSON with line numbers', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qrm-routes-'));
    const file = join(dir, 'routes.json');
    const json = {
      version: 1,
      recipients: { 'risk-centre': { name: '风险评估中心', email: ['risk-centre@example.gov.cn'] } },
      routes: [{ to: ['risk-centre'], channels: { I: ['email'], IV: ['digest'] } }],
    };
    writeFileSync(file, JSON.stringify(json, null, 2));
    expect(loadRoutes(file).routes[0]!.channels.IV).toEqual(['digest']);

    writeFileSync(file, JSON.stringify({ ...json, version: 2 }, null, 2));
    expect(() => loadRoutes(file)).toThrow(`${file}:2 version: expected 1`);
  });

  it('is a CONFIG_INVALID error naming the file when the file cannot be read', () => {
    const err = (() => {
      try {
        loadRoutes('/nonexistent/routes.yaml');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(QrmError);
    expect((err as QrmError).code).toBe('CONFIG_INVALID');
    expect((err as QrmError).message).toMatch(/^configuration is invalid: \/nonexistent\/routes\.yaml cannot read: ENOENT/);
  });
});
