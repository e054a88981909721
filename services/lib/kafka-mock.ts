import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, openSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { QrmError } from '../errors.ts';
import { sleep } from './backoff.ts';

// librdkafka's mock cluster, started through Debian's kcat: a Kafka wire-protocol server on loopback
// for development and tests (there is no Kafka broker in npm or Debian). kcat runs as a producer whose
// stdin never ends, so the mock lives exactly as long as that process. Nothing here is used when
// KAFKA_BROKERS names a real cluster.

export type MockCluster = { brokers: string; pid: number; logFile: string };

export const installHint = 'kcat is not installed. On Debian/Ubuntu: sudo apt-get install -y kcat (librdkafka ships the mock cluster).';

export function kcatAvailable(): boolean {
  return spawnSync('kcat', ['-V'], { stdio: 'ignore' }).status === 0;
}

export async function startMockCluster(logFile: string, brokers = 3, timeoutMs = 15_000): Promise<MockCluster> {
  if (!kcatAvailable()) throw new QrmError('KAFKA_DEV_UNAVAILABLE', 'kafka', installHint);
  mkdirSync(dirname(logFile), { recursive: true });
  const log = openSync(logFile, 'w');
  // `tail -f /dev/null` is the stdin that never closes; detached so the cluster outlives this command.
  const child = spawn('sh', ['-c', `exec tail -f /dev/null | exec kcat -P -t _keepalive -b localhost:9092 -X test.mock.num.brokers=${brokers} -d mock`], {
    detached: true,
    stdio: ['ignore', 'ignore', log],
  });
  child.unref();
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const m = /bootstrap\.servers=(\S+)/.exec(readFileSync(logFile, 'utf8'));
    if (m) return { brokers: m[1]!, pid: child.pid!, logFile };
    await sleep(100);
  }
  stopMockCluster(child.pid!);
  throw new QrmError('KAFKA_DEV_UNAVAILABLE', 'kafka', `the mock cluster did not report its bootstrap servers within ${timeoutMs} ms; see ${logFile}`);
}

/** Kills the process group (sh, tail and kcat). */
export function stopMockCluster(pid: number): boolean {
  try {
    process.kill(-pid, 'SIGTERM');
    return true;
  } catch {
    return false;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The env file `qrm` reads KAFKA_BROKERS from when the environment does not set it. */
export function writeDevEnv(file: string, cluster: MockCluster): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `# written by qrm kafka-dev; the mock cluster lives while process ${cluster.pid} does\nKAFKA_BROKERS=${cluster.brokers}\nQRM_KAFKA_DEV_PID=${cluster.pid}\n`);
}

export function readDevEnv(file: string): { brokers?: string; pid?: number } {
  if (!existsSync(file)) return {};
  const text = readFileSync(file, 'utf8');
  const brokers = /^KAFKA_BROKERS=(.*)$/m.exec(text)?.[1];
  const pid = Number(/^QRM_KAFKA_DEV_PID=(\d+)$/m.exec(text)?.[1]);
  return { ...(brokers ? { brokers } : {}), ...(pid ? { pid } : {}) };
}

export function removeDevEnv(file: string): void {
  rmSync(file, { force: true });
}
