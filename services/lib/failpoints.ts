// Named fault-injection points, in the spirit of TiKV's fail-rs: tests set QRM_FAILPOINTS to make a
// process die at an exact step (e.g. after storing a batch, before committing its offsets) so crash
// recovery is tested at the worst moment rather than at a random one. Unset in production.
//
//   QRM_FAILPOINTS="ingest.after-store=kill"

type Action = 'kill' | 'exit';

const configured = parse(process.env.QRM_FAILPOINTS ?? '');

function parse(spec: string): Map<string, Action> {
  const out = new Map<string, Action>();
  for (const part of spec.split(',')) {
    const [name, action] = part.split('=').map((s) => s.trim());
    if (name && (action === 'kill' || action === 'exit')) out.set(name, action);
  }
  return out;
}

export function failpoint(name: string): void {
  const action = configured.get(name);
  if (!action) return;
  if (action === 'kill') process.kill(process.pid, 'SIGKILL');
  else process.exit(70);
}
