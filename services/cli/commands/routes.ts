import { relative } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { isProductCode, productByCode } from '../../domain/catalog.ts';
import { regionName } from '../../domain/regions.ts';
import { levels, type Level } from '../../transforms/score/levels.ts';
import { exampleRoutesFile, formatProblem, loadRoutes, route, RoutesError, type Delivery, type Route, type Routes, type Timing } from '../../transforms/routing/index.ts';

// `qrm routes check` and `qrm routes test`: an operator's way to read a routes file the way the alert
// service will, before deploying it. Output goes through commander's output configuration so a test
// can build the command on its own program and read what it printed.

export function routesCommand(program: Command): void {
  const routes = program.command('routes').description('alert routing: validate a routes file, or see who a warning would reach');

  routes
    .command('check')
    .description('validate a routes file (YAML or JSON) and print its routes and recipients as a tree')
    .argument('<file>', 'routes file')
    .addHelpText('after', '\nExample:\n  qrm routes check infra/routes.example.yaml\n\nProblems are printed as FILE:LINE PATH: MESSAGE, one a line, and the exit code is 1.')
    .action((file: string, _opts: unknown, cmd: Command) => {
      const r = load(cmd, file);
      write(cmd, `${file}: valid, ${r.routes.length} routes, ${Object.keys(r.recipients).length} recipients\n`);
      write(cmd, `defaults: ${timing(r.defaults)}\n\n`);
      write(cmd, `routes (the first match wins unless a route continues)\n${tree(r.routes.map((rt, i) => routeNode(r, rt, i)))}\n`);
      write(cmd, `recipients\n${tree(Object.keys(r.recipients).map((id) => recipientNode(r, id)))}`);
    });

  routes
    .command('test')
    .description('show who a warning would reach: recipients, channels, timings and escalation')
    .requiredOption('--region <code>', 'GB/T 2260 code of the warning region: 6-digit county, 4-digit prefecture or 2-digit province', regionCode)
    .requiredOption('--product <code>', 'product code (schemas/catalog/products.json)', productCode)
    .addOption(new Option('--level <level>', 'warning level, I most severe').choices(levels).makeOptionMandatory())
    .addOption(new Option('--file <path>', 'routes file').env('QRM_ROUTES').default(exampleRoutesFile, 'infra/routes.example.yaml'))
    .addHelpText(
      'after',
      '\nExamples:\n  qrm routes test --region 130184 --product waterproof_membrane --level II\n  qrm routes test --region 1301 --product coating --level IV --file my-routes.yaml',
    )
    .action((opts: { region: string; product: string; level: Level; file: string }, cmd: Command) => {
      const r = load(cmd, opts.file);
      const deliveries = route(r, { regionCode: opts.region, productCode: opts.product, level: opts.level });
      write(cmd, `warning: ${opts.region} ${regionName(opts.region)} · ${opts.product} ${productByCode(opts.product)!.nameZh} · level ${opts.level}\n`);
      write(cmd, `routes file: ${relative(process.cwd(), opts.file)}\n\n`);
      write(cmd, deliveries.length ? deliveries.map((d) => deliveryText(r, d)).join('') : 'nobody: no route sends this warning at this level\n');
    });
}

function load(cmd: Command, file: string): Routes {
  try {
    return loadRoutes(file);
  } catch (err) {
    if (!(err instanceof RoutesError)) throw err;
    // A bad file is not a usage mistake: the command's help would only bury the problem lines.
    cmd.showHelpAfterError(false);
    return cmd.error(err.problems.map(formatProblem).join('\n'), { exitCode: 1, code: 'qrm.routes.invalid' });
  }
}

const write = (cmd: Command, text: string) => cmd.configureOutput().writeOut!(text);

function regionCode(v: string): string {
  if (!/^(\d{2}|\d{4}|\d{6})$/.test(v)) throw new InvalidArgumentError('expected a 2-, 4- or 6-digit GB/T 2260 code');
  if (regionName(v) === undefined) throw new InvalidArgumentError(`unknown region code ${v}`);
  return v;
}

function productCode(v: string): string {
  if (!isProductCode(v)) throw new InvalidArgumentError(`unknown product code ${v} (see schemas/catalog/products.json)`);
  return v;
}

function timing(t: Timing): string {
  const escalation = t.escalateAfterMinutes === null || t.escalateLevels.length === 0 ? 'no escalation' : `escalate ${t.escalateLevels.join(', ')} after ${t.escalateAfterMinutes} min`;
  return `group wait ${t.groupWaitSeconds} s · repeat every ${t.repeatIntervalMinutes} min · ${t.sendResolved ? 'send resolved' : 'resolved not sent'} · ${escalation}`;
}

type TreeNode = { label: string; children?: TreeNode[] };

function tree(nodes: TreeNode[], indent = ''): string {
  return nodes
    .map((n, i) => {
      const last = i === nodes.length - 1;
      return `${indent}${last ? '└─ ' : '├─ '}${n.label}\n${tree(n.children ?? [], indent + (last ? '   ' : '│  '))}`;
    })
    .join('');
}

function routeNode(r: Routes, rt: Route, i: number): TreeNode {
  const m = rt.match;
  const conditions = [
    m.regions && `regions ${m.regions.map((c) => `${c} ${regionName(c)}`).join(', ')}`,
    m.regionLevels && `${m.regionLevels.join(' or ')} level`,
    m.products && `products ${m.products.join(', ')}`,
    m.levels && `levels ${m.levels.join(', ')}`,
  ].filter(Boolean);
  return {
    label: `[${i}] ${conditions.length ? conditions.join(' · ') : 'every warning'}${rt.continue ? ' (continue)' : ''}`,
    children: [
      { label: `to: ${rt.to.map((id) => `${id} ${r.recipients[id]!.name}`).join(', ')}` },
      { label: levels.map((l) => `${l}: ${rt.channels[l]?.join(', ') || 'nothing'}`).join(' · ') },
      { label: timing(rt) },
    ],
  };
}

function recipientNode(r: Routes, id: string): TreeNode {
  const rec = r.recipients[id]!;
  const chain = escalationChain(r, id);
  return {
    label: `${id} ${rec.name}`,
    children: [
      ...(rec.email.length ? [{ label: `email: ${rec.email.join(', ')}` }] : []),
      ...(rec.sms.length ? [{ label: `sms: ${rec.sms.join(', ')}` }] : []),
      ...(chain.length ? [{ label: `escalates to: ${chain.join(' → ')}` }] : []),
    ],
  };
}

/** Recipients above `id`, nearest first (the loader has ruled out cycles). */
function escalationChain(r: Routes, id: string): string[] {
  const chain: string[] = [];
  for (let next = r.recipients[id]!.escalateTo; next !== null; next = r.recipients[next]!.escalateTo) chain.push(next);
  return chain;
}

function deliveryText(r: Routes, d: Delivery): string {
  const lines = [`${d.recipientId} ${d.recipient.name} (route ${d.routeIndex})`];
  for (const ch of d.channels) {
    if (ch === 'email') lines.push(`  email at once: ${d.recipient.email.join(', ')}`);
    if (ch === 'sms') lines.push(`  sms at once: ${d.recipient.sms.join(', ')}`);
    if (ch === 'digest') lines.push(`  daily digest: ${d.recipient.email.join(', ')}`);
  }
  lines.push(`  group wait ${d.groupWaitSeconds} s · repeat every ${d.repeatIntervalMinutes} min · ${d.sendResolved ? 'send resolved' : 'resolved not sent'}`);
  if (d.escalateTo === null) lines.push('  no escalation');
  else {
    const chain = [d.escalateTo, ...escalationChain(r, d.escalateTo)].map((id) => `${id} ${r.recipients[id]!.name}`);
    lines.push(`  unacknowledged after ${d.escalateAfterMinutes} min: escalates to ${chain.join(', then ')}`);
  }
  return `${lines.join('\n')}\n`;
}
