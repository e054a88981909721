import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Session } from 'chdb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/app.ts';

// The ClickHouse server configuration of docker-compose.yml (infra/clickhouse): the qrm and read-only
// grafana users, and the cluster definition of the cluster override, checked against the ClickHouse
// engine that runs here (chDB): setting names it knows, grants it parses, the cluster and macros it
// loads from the file.

const dir = fileURLToPath(new URL('../../infra/clickhouse/', import.meta.url));

type El = { name: string; attrs: Record<string, string>; children: El[]; text: string };

/** Enough XML for ClickHouse configuration files: elements, attributes, text, comments. */
function parseXml(source: string): El {
  const root: El = { name: '#document', attrs: {}, children: [], text: '' };
  const stack = [root];
  const text = source.replace(/<!--[\s\S]*?-->/g, '').replace(/<\?[\s\S]*?\?>/g, '');
  for (const m of text.matchAll(/<(\/?)([\w.-]+)((?:\s+[\w.-]+="[^"]*")*)\s*(\/?)>|([^<]+)/g)) {
    const top = stack.at(-1)!;
    if (m[5] !== undefined) {
      top.text += m[5].trim();
    } else if (m[1]) {
      const closed = stack.pop()!;
      if (closed.name !== m[2]) throw new Error(`</${m[2]}> closes <${closed.name}>`);
    } else {
      const el: El = { name: m[2]!, attrs: Object.fromEntries([...m[3]!.matchAll(/([\w.-]+)="([^"]*)"/g)].map((a) => [a[1]!, a[2]!])), children: [], text: '' };
      top.children.push(el);
      if (!m[4]) stack.push(el);
    }
  }
  if (stack.length !== 1) throw new Error(`<${stack.at(-1)!.name}> is not closed`);
  return root.children[0]!;
}
const child = (el: El | undefined, name: string) => el?.children.find((c) => c.name === name);

const users = parseXml(readFileSync(join(dir, 'users.d/qrm.xml'), 'utf8'));
const profiles = child(users, 'profiles')!;
const userList = child(users, 'users')!;

let session: Session;
beforeAll(() => {
  // The cluster file reads its macros and secrets from the environment of each node.
  Object.assign(process.env, { CH_SHARD: '02', CH_REPLICA: 'clickhouse-s2r1', CLICKHOUSE_CLUSTER_SECRET: 'test-secret', CLICKHOUSE_INTERSERVER_PASSWORD: 'test-password' });
  session = new Session(join(tempDir('qrm-ch-config-'), 'clickhouse'), { connectionArgs: [`--config-file=${join(dir, 'cluster/config.d/cluster.xml')}`] });
});
afterAll(() => session?.close());

describe('infra/clickhouse/users.d/qrm.xml', () => {
  it('defines the qrm and grafana users, with passwords only from the environment', () => {
    const names = userList.children.map((u) => u.name);
    expect(names).toEqual(expect.arrayContaining(['qrm', 'grafana']));
    expect(child(userList, 'default')?.attrs.remove).toBe('remove');
    for (const name of ['qrm', 'grafana']) {
      const user = child(userList, name)!;
      const password = user.children.filter((c) => /password/.test(c.name));
      expect(password, name).toHaveLength(1);
      expect(password[0]!.text, name).toBe('');
      expect(password[0]!.attrs.from_env, name).toMatch(/^[A-Z_]+_PASSWORD$/);
      expect(child(profiles, child(user, 'profile')!.text), `${name}'s profile`).toBeDefined();
    }
  });

  it('makes the grafana user read-only, with FINAL on every query, fixed', () => {
    const profile = child(profiles, child(child(userList, 'grafana'), 'profile')!.text)!;
    expect(child(profile, 'readonly')!.text).toBe('2');
    expect(child(profile, 'final')!.text).toBe('1');
    const constraints = child(profile, 'constraints')!;
    expect(child(child(constraints, 'readonly'), 'const')).toBeDefined();
    expect(child(child(constraints, 'final'), 'const')).toBeDefined();
  });

  it('grants the grafana user SELECT on qrm and the catalogue tables only, in grants ClickHouse parses', () => {
    const grants = child(child(userList, 'grafana'), 'grants')!.children.map((q) => q.text);
    expect(grants).toContain('GRANT SELECT ON qrm.*');
    for (const g of grants) {
      expect(g).toMatch(/^GRANT SELECT ON (qrm|system)\.[\w*]+$/);
      expect(() => session.query(`EXPLAIN AST ${g} TO grafana`, 'TSVRaw'), g).not.toThrow();
    }
  });

  it('sets only settings ClickHouse knows', () => {
    const names = profiles.children.flatMap((p) => p.children.map((s) => s.name).filter((n) => n !== 'constraints'));
    names.push(...profiles.children.flatMap((p) => child(p, 'constraints')?.children.map((c) => c.name) ?? []));
    const known = new Set(
      session
        .query(`SELECT name FROM system.settings WHERE name IN (${[...new Set(names)].map((n) => `'${n}'`).join(', ')})`, 'TSVRaw')
        .trim()
        .split('\n'),
    );
    for (const n of names) expect(known.has(n), n).toBe(true);
  });

  it('inserts synchronously through Distributed tables and runs IN/JOIN subqueries globally for qrm', () => {
    const qrm = child(profiles, child(child(userList, 'qrm'), 'profile')!.text)!;
    expect(child(qrm, 'distributed_foreground_insert')!.text).toBe('1');
    expect(child(qrm, 'distributed_product_mode')!.text).toBe('global');
  });
});

describe('infra/clickhouse/cluster/config.d/cluster.xml', () => {
  it('defines the qrm cluster of the override file: 2 shards of 2 replicas', () => {
    const rows = session
      .query(`SELECT shard_num, replica_num, host_name, port FROM system.clusters WHERE cluster = 'qrm' ORDER BY shard_num, replica_num`, 'TSVRaw')
      .trim()
      .split('\n');
    expect(rows).toEqual(['1\t1\tclickhouse\t9000', '1\t2\tclickhouse-s1r2\t9000', '2\t1\tclickhouse-s2r1\t9000', '2\t2\tclickhouse-s2r2\t9000']);
  });

  it("takes each node's shard and replica macros from its environment", () => {
    expect(session.query(`SELECT getMacro('cluster'), getMacro('shard'), getMacro('replica')`, 'TSVRaw').trim()).toBe('qrm\t02\tclickhouse-s2r1');
  });

  it('authenticates nodes to each other with secrets from the environment', () => {
    const xml = parseXml(readFileSync(join(dir, 'cluster/config.d/cluster.xml'), 'utf8'));
    expect(child(child(child(xml, 'remote_servers'), 'qrm'), 'secret')!.attrs.from_env).toBe('CLICKHOUSE_CLUSTER_SECRET');
    expect(child(child(xml, 'interserver_http_credentials'), 'password')!.attrs.from_env).toBe('CLICKHOUSE_INTERSERVER_PASSWORD');
  });

  it('finds Keeper where the keeper configuration listens', () => {
    const client = parseXml(readFileSync(join(dir, 'cluster/config.d/keeper-client.xml'), 'utf8'));
    const keeper = parseXml(readFileSync(join(dir, 'cluster/keeper.xml'), 'utf8'));
    const node = child(child(client, 'zookeeper'), 'node')!;
    expect(child(node, 'port')!.text).toBe(child(child(keeper, 'keeper_server'), 'tcp_port')!.text);
    expect(child(node, 'host')!.text).toBe('clickhouse-keeper');
  });
});
