import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectClickHouse } from '../../services/clients/clickhouse.ts';
import { loadConfig } from '../../services/config/index.ts';

// Child process for chdb-memory.test.ts: embedded chDB configured from the environment, one query
// that builds a hash set of a few hundred MB, then this process's resident memory, in MB, on stdout.
// Its own process because chDB's jemalloc reads its options once per process.

const rssMB = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) / 1024;
const dir = mkdtempSync(join(tmpdir(), 'qrm-chdb-memory-'));
const config = loadConfig({ ...process.env, CLICKHOUSE_URL: '', QRM_DATA_DIR: dir, QRM_KAFKA_DEV_FILE: join(dir, 'none.env') });
const ch = await connectClickHouse(config.clickhouse);
const before = rssMB();
const rs = await ch.client.query({ query: 'SELECT uniqExact(number) AS n FROM numbers(8000000) SETTINGS max_threads = 1', format: 'JSONEachRow' });
const [row] = (await rs.json()) as { n: number }[];
const after = rssMB();
await ch.close();
rmSync(dir, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify({ n: row!.n, before, after })}\n`);
process.exit(0);
