import { z } from 'zod';
import { isProductCode } from '../../domain/catalog.ts';
import { regionName } from '../../domain/regions.ts';
import { levels, type Level } from '../score/levels.ts';
import type { RegionLevel } from '../score/pass.ts';

// The routes file (infra/routes.example.yaml documents it for operators). Every object is strict,
// so a misspelt key such as `chanels` fails instead of silently routing nothing. The transform at
// the end fills each route's timings from the defaults, so the router never looks two places.

export const channels = ['email', 'sms', 'digest'] as const;
export type Channel = (typeof channels)[number];

export const regionLevels = ['county', 'prefecture', 'province'] as const satisfies readonly RegionLevel[];

/** A strict object whose unknown-key error lists the keys it knows, so a typo says what was meant. */
function strict<S extends z.ZodRawShape>(shape: S) {
  const known = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (iss) => (iss.code === 'unrecognized_keys' ? `unknown key; expected one of ${known}` : undefined),
  });
}

const level = z.enum(levels);

// YAML reads an unquoted 130184 as a number. GB/T 2260 codes never start with 0, so String() is exact.
const regionPrefix = z.preprocess(
  (v) => (typeof v === 'number' ? String(v) : v),
  z.string().superRefine((code, ctx) => {
    if (!/^(\d{2}|\d{4}|\d{6})$/.test(code)) ctx.addIssue({ code: 'custom', message: `expected a 2-, 4- or 6-digit GB/T 2260 code, got ${code}` });
    else if (regionName(code) === undefined) ctx.addIssue({ code: 'custom', message: `unknown region code ${code}` });
  }),
);

const productCode = z.string().refine(isProductCode, { error: (iss) => `unknown product code ${String(iss.input)} (see schemas/catalog/products.json)` });

// Unquoted +8613800000001 is a YAML integer and loses its plus sign, hence the hint.
const phone = z
  .string({ error: (iss) => (typeof iss.input === 'number' ? 'expected a string: quote the number, or YAML reads it as an integer and drops the +' : undefined) })
  .regex(/^\+[1-9]\d{6,14}$/, 'expected an E.164 number such as +8613800000001');

const recipient = strict({
  name: z.string().min(1),
  email: z.array(z.email({ error: 'expected an email address' })).default([]),
  sms: z.array(phone).default([]),
  escalateTo: z.string().optional(),
});

const timing = {
  groupWaitSeconds: z.int().min(0),
  repeatIntervalMinutes: z.int().min(1),
  sendResolved: z.boolean(),
  // null switches escalation off.
  escalateAfterMinutes: z.int().min(1).nullable(),
  escalateLevels: z.array(level),
};

const defaults = strict({
  groupWaitSeconds: timing.groupWaitSeconds.default(30),
  repeatIntervalMinutes: timing.repeatIntervalMinutes.default(1440),
  sendResolved: timing.sendResolved.default(true),
  escalateAfterMinutes: timing.escalateAfterMinutes.default(120),
  escalateLevels: timing.escalateLevels.default(['I', 'II']),
});

// An absent matcher matches anything; an empty list would match nothing, which is never meant.
const match = strict({
  regions: z.array(regionPrefix).min(1).optional(),
  regionLevels: z.array(z.enum(regionLevels)).min(1).optional(),
  products: z.array(productCode).min(1).optional(),
  levels: z.array(level).min(1).optional(),
});

const channelList = z.array(z.enum(channels));

const route = strict({
  match: match.prefault({}),
  to: z.array(z.string()).min(1),
  channels: strict({ I: channelList.optional(), II: channelList.optional(), III: channelList.optional(), IV: channelList.optional() }),
  continue: z.boolean().default(false),
  groupWaitSeconds: timing.groupWaitSeconds.optional(),
  repeatIntervalMinutes: timing.repeatIntervalMinutes.optional(),
  sendResolved: timing.sendResolved.optional(),
  escalateAfterMinutes: timing.escalateAfterMinutes.optional(),
  escalateLevels: timing.escalateLevels.optional(),
});

type ParsedFile = {
  recipients: Record<string, z.output<typeof recipient>>;
  routes: z.output<typeof route>[];
};

/** References the shape alone cannot check: recipient ids, escalation chains, channels a recipient can receive. */
function checkReferences(file: ParsedFile, ctx: z.RefinementCtx): void {
  const { recipients, routes } = file;
  for (const [id, r] of Object.entries(recipients)) {
    if (r.escalateTo === undefined) continue;
    if (!(r.escalateTo in recipients)) {
      ctx.addIssue({ code: 'custom', path: ['recipients', id, 'escalateTo'], message: `unknown recipient ${r.escalateTo}` });
      continue;
    }
    // Escalations are sent by email (and SMS where there is a number), whatever the route said.
    if (recipients[r.escalateTo]!.email.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['recipients', id, 'escalateTo'], message: `${r.escalateTo} has no email address to escalate to` });
    }
    // Follow the chain until it ends or repeats. Only a chain that comes back to `id` is reported
    // here, so every member of a cycle gets one message naming the whole loop.
    const seen = new Set([id]);
    let next: string | undefined = r.escalateTo;
    while (next !== undefined && !seen.has(next)) {
      seen.add(next);
      next = recipients[next]?.escalateTo;
    }
    if (next === id) ctx.addIssue({ code: 'custom', path: ['recipients', id, 'escalateTo'], message: `escalation cycle ${[...seen, id].join(' → ')}` });
  }
  routes.forEach((rt, i) => {
    const catchAll = Object.values(rt.match).every((m) => m === undefined);
    if (catchAll && !rt.continue && i < routes.length - 1) {
      ctx.addIssue({ code: 'custom', path: ['routes', i + 1], message: `unreachable: routes[${i}] matches every warning and does not continue` });
    }
    rt.to.forEach((id, j) => {
      if (!(id in recipients)) ctx.addIssue({ code: 'custom', path: ['routes', i, 'to', j], message: `unknown recipient ${id}` });
    });
    for (const l of levels) {
      rt.channels[l]?.forEach((ch, k) => {
        // The digest is an email too.
        const field = ch === 'sms' ? 'sms' : 'email';
        const lacking = rt.to.filter((id) => recipients[id]?.[field].length === 0);
        if (lacking.length) {
          ctx.addIssue({ code: 'custom', path: ['routes', i, 'channels', l, k], message: `${lacking.join(', ')} ${lacking.length > 1 ? 'have' : 'has'} no ${field === 'sms' ? 'sms number' : 'email address'}` });
        }
      });
    }
  });
}

export type Timing = z.output<typeof defaults>;
export type Recipient = { name: string; email: string[]; sms: string[]; escalateTo: string | null };
export type Match = z.output<typeof match>;
export type Route = { match: Match; to: string[]; channels: Partial<Record<Level, Channel[]>>; continue: boolean } & Timing;
export type Routes = { defaults: Timing; recipients: Record<string, Recipient>; routes: Route[] };

export const routesSchema = strict({
  version: z.literal(1),
  defaults: defaults.prefault({}),
  recipients: z.record(z.string().min(1), recipient),
  routes: z.array(route).min(1),
})
  .superRefine(checkReferences)
  .transform(
    (file): Routes => ({
      defaults: file.defaults,
      recipients: Object.fromEntries(Object.entries(file.recipients).map(([id, r]) => [id, { ...r, escalateTo: r.escalateTo ?? null }])),
      routes: file.routes.map((r) => ({
        match: r.match,
        to: r.to,
        channels: r.channels,
        continue: r.continue,
        groupWaitSeconds: r.groupWaitSeconds ?? file.defaults.groupWaitSeconds,
        repeatIntervalMinutes: r.repeatIntervalMinutes ?? file.defaults.repeatIntervalMinutes,
        sendResolved: r.sendResolved ?? file.defaults.sendResolved,
        // Not ??: a route's null switches escalation off whatever the default.
        escalateAfterMinutes: r.escalateAfterMinutes === undefined ? file.defaults.escalateAfterMinutes : r.escalateAfterMinutes,
        escalateLevels: r.escalateLevels ?? file.defaults.escalateLevels,
      })),
    }),
  );
