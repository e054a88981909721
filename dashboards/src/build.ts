import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dashboards, render } from './index.ts';

// `npm run dashboards`: writes every dashboard's JSON to dashboards/. With --check it writes
// nothing and exits 1 if a committed file differs from what the code builds.

const dir = fileURLToPath(new URL('../', import.meta.url));
const check = process.argv.includes('--check');
let stale = 0;
for (const [file, build] of Object.entries(dashboards)) {
  const path = `${dir}${file}`;
  const text = render(build);
  let current = '';
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    current = '';
  }
  if (current === text) continue;
  if (check) {
    stale++;
    process.stderr.write(`dashboards/${file} differs from what dashboards/src builds: run npm run dashboards\n`);
  } else {
    writeFileSync(path, text);
    process.stdout.write(`wrote dashboards/${file}\n`);
  }
}
process.exit(stale > 0 ? 1 : 0);
