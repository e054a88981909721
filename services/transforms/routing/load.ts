import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isAlias, isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { QrmError } from '../../errors.ts';
import { routesSchema, type Routes } from './schema.ts';

// Reading a routes file. JSON is YAML 1.2, so one parser reads both and gives every value a source
// position: each problem names the file, the line and the path, the way a compiler would.

export const exampleRoutesFile = fileURLToPath(new URL('../../../infra/routes.example.yaml', import.meta.url));

export type Problem = { file: string; line: number | null; path: string; message: string };

export function formatProblem(p: Problem): string {
  const where = p.line === null ? p.file : `${p.file}:${p.line}`;
  return p.path ? `${where} ${p.path}: ${p.message}` : `${where} ${p.message}`;
}

/** An invalid routes file; `problems` has one entry per mistake, in file order. */
export class RoutesError extends QrmError {
  readonly problems: readonly Problem[];

  constructor(problems: Problem[]) {
    super('CONFIG_INVALID', 'config', problems.map(formatProblem).join('\n'));
    this.problems = problems;
  }
}

export function loadRoutes(path: string): Routes {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new RoutesError([{ file: path, line: null, path: '', message: `cannot read: ${(err as Error).message}` }]);
  }
  return parseRoutes(text, path);
}

export function parseRoutes(text: string, fileName: string): Routes {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length) {
    throw new RoutesError(
      // The library appends "at line L, column C:" and a source excerpt; the line is given up front instead.
      doc.errors.map((e) => ({ file: fileName, line: e.linePos?.[0].line ?? null, path: '', message: e.message.replace(/ at line \d+, column \d+:[\s\S]*$/, '') })),
    );
  }
  const parsed = routesSchema.safeParse(doc.toJS(), { error: plainMessages });
  if (parsed.success) return deepFreeze(parsed.data);
  const problems = parsed.error.issues.flatMap((issue) => {
    // One problem per unknown key, each at the key's own line.
    const paths = issue.code === 'unrecognized_keys' ? issue.keys.map((k) => [...issue.path, k]) : [issue.path];
    return paths.map((path) => ({ file: fileName, line: lineOf(doc, lineCounter, path), path: formatPath(path), message: issue.message }));
  });
  throw new RoutesError(problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)));
}

const typeNames: Record<string, string> = {
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
};

const received = (v: unknown) => (v === null ? 'nothing' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a mapping' : `${typeof v} ${JSON.stringify(v)}`);

/** Messages in the file's own terms (list, mapping, required); the schema's own messages take precedence. */
const plainMessages: z.core.$ZodErrorMap = (iss) => {
  if (iss.code === 'invalid_type') return iss.input === undefined ? 'required' : `expected ${typeNames[iss.expected] ?? iss.expected}, got ${received(iss.input)}`;
  if (iss.code === 'invalid_value') return iss.values.length === 1 ? `expected ${String(iss.values[0])}` : `expected one of ${iss.values.join(', ')}`;
  if (iss.code === 'too_small' && iss.origin === 'array') return `expected at least ${iss.minimum} item${iss.minimum === 1 ? '' : 's'}`;
  if (iss.code === 'too_small' && iss.origin === 'string') return 'expected a non-empty string';
  if (iss.code === 'too_small') return `expected at least ${iss.minimum}`;
  return undefined;
};

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((seg, i) => (typeof seg === 'number' ? `[${seg}]` : i === 0 ? String(seg) : `.${String(seg)}`)).join('');
}

/**
 * The line of the deepest node on `path` that exists: a missing key is reported where its parent
 * starts. Aliases are followed, so a mistake inside an anchored block points at the anchor.
 */
function lineOf(doc: Document, lineCounter: LineCounter, path: readonly PropertyKey[]): number {
  let node: unknown = doc.contents;
  let offset = isNode(node) ? (node.range?.[0] ?? 0) : 0;
  for (const seg of path) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      offset = isNode(pair.key) ? (pair.key.range?.[0] ?? offset) : offset;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number' && node.items[seg] !== undefined) {
      node = node.items[seg];
      offset = isNode(node) ? (node.range?.[0] ?? offset) : offset;
    } else {
      break;
    }
  }
  return lineCounter.linePos(offset).line;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
