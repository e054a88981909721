import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { z } from 'zod';
import { acknowledge, listWarnings, reportOutcome, showWarning } from '../app/actions.ts';
import type { ClickHouse } from '../clients/clickhouse.ts';
import type { AlertConfig } from '../config/alert.ts';
import { isProductCode } from '../domain/catalog.ts';
import { addSilence, expireSilence, listSilences } from '../sinks/notifications/feedback.ts';
import type { Route } from './server.ts';

// The bureaus' API: bearer tokens from QRM_API_TOKENS, each scoped to region prefixes. A bureau sees
// and acts on warnings in its regions only, and may silence only within them.

export type ApiDeps = { ch: ClickHouse; producer?: Producer; warningsTopic: string; tokens: AlertConfig['apiTokens']; log: Logger };

type Caller = { bureau: string; regions: string[] };

const ackBody = z.object({ comment: z.string().max(2000).default('') });
// violationsFound counts inspected enterprises with violations, so it cannot exceed them; a report
// that says otherwise would skew the hit rates that calibration reads from warning_feedback.
const outcomeBody = z
  .object({ enterprisesInspected: z.number().int().min(0), violationsFound: z.number().int().min(0), comment: z.string().max(2000).default('') })
  .refine((b) => b.violationsFound <= b.enterprisesInspected, { path: ['violationsFound'], message: 'cannot exceed enterprisesInspected' });
const silenceBody = z.object({
  // A misspelt product would silence nothing, without a word.
  productCode: z.string().refine(isProductCode, { error: (iss) => `unknown product code ${String(iss.input)}` }).optional(),
  regionPrefix: z.string().regex(/^\d{2}(\d{2}(\d{2})?)?$/),
  hours: z.number().positive().max(24 * 90),
  reason: z.string().min(1).max(500),
});

export function apiRoutes(deps: ApiDeps): Route {
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://api');
    if (!url.pathname.startsWith('/api/')) return false;
    const caller = authenticate(req, deps.tokens);
    if (!caller) return send(res, 401, { error: 'missing or unknown bearer token' });
    const inScope = (region: string) => caller.regions.some((p) => region.startsWith(p));
    const parts = url.pathname.split('/').filter(Boolean);
    try {
      if (req.method === 'GET' && parts.length === 2 && parts[1] === 'warnings') {
        return send(res, 200, await listWarnings(deps.ch, { open: url.searchParams.get('open') === '1', regionPrefix: caller.regions }));
      }
      if (parts[1] === 'warnings' && parts[2]) {
        const [summary] = await listWarnings(deps.ch, { warningId: parts[2] });
        if (!summary) return send(res, 404, { error: 'no such warning' });
        if (!inScope(summary.region_code)) return send(res, 403, { error: `warning is outside ${caller.bureau}'s regions` });
        if (req.method === 'GET' && parts.length === 3) return send(res, 200, { ...summary, ...(await showWarning(deps.ch, parts[2])) });
        if (req.method === 'POST' && parts[3] === 'ack') {
          const body = ackBody.parse(await readJson(req));
          return send(res, 200, await acknowledge(deps.ch, deps.producer, deps.warningsTopic, parts[2], caller.bureau, body.comment));
        }
        if (req.method === 'POST' && parts[3] === 'outcome') {
          const body = outcomeBody.parse(await readJson(req));
          const outcome = await reportOutcome(deps.ch, { warningId: parts[2], by: caller.bureau, ...body });
          return outcome ? send(res, 200, outcome) : send(res, 404, { error: 'no such warning' });
        }
      }
      if (parts[1] === 'silences') {
        if (req.method === 'GET' && parts.length === 2) {
          return send(res, 200, (await listSilences(deps.ch, { activeAt: Date.now() })).filter((s) => s.region_prefix === '' || inScope(s.region_prefix)));
        }
        if (req.method === 'POST' && parts.length === 2) {
          const body = silenceBody.parse(await readJson(req));
          if (!inScope(body.regionPrefix)) return send(res, 403, { error: `region ${body.regionPrefix} is outside ${caller.bureau}'s regions` });
          const now = Date.now();
          const id = await addSilence(deps.ch, { productCode: body.productCode, regionPrefix: body.regionPrefix, startsAt: now, endsAt: now + body.hours * 3_600_000, author: caller.bureau, reason: body.reason }, now);
          return send(res, 201, { silenceId: id });
        }
        if (req.method === 'POST' && parts.length === 4 && parts[3] === 'expire') {
          const [silence] = (await listSilences(deps.ch)).filter((s) => s.silence_id === parts[2]);
          if (!silence) return send(res, 404, { error: 'no such silence' });
          if (!inScope(silence.region_prefix)) return send(res, 403, { error: 'silence is outside your regions' });
          await expireSilence(deps.ch, silence.silence_id);
          return send(res, 200, { silenceId: silence.silence_id, expired: true });
        }
      }
      return send(res, 404, { error: 'not found' });
    } catch (err) {
      if (err instanceof z.ZodError) return send(res, 400, { error: z.prettifyError(err) });
      if (err instanceof SyntaxError) return send(res, 400, { error: 'body is not JSON' });
      deps.log.error({ err: (err as Error).message, path: url.pathname }, 'api request failed');
      return send(res, 500, { error: 'internal error' });
    }
  };
}

function authenticate(req: IncomingMessage, tokens: AlertConfig['apiTokens']): Caller | undefined {
  const m = /^Bearer\s+(\S+)$/.exec(req.headers.authorization ?? '');
  // Own keys only: a plain lookup let "Bearer constructor" (or __proto__, toString...) find
  // Object.prototype's members, which passed as a caller with no regions and so saw every warning.
  return m && Object.hasOwn(tokens, m[1]!) ? tokens[m[1]!] : undefined;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 65_536) throw new SyntaxError('body too large');
  }
  return JSON.parse(body || '{}');
}

function send(res: ServerResponse, status: number, body: unknown): true {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(`${JSON.stringify(body)}\n`);
  return true;
}
