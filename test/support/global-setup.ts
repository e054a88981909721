import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { isAlive, readDevEnv, startMockCluster, stopMockCluster } from '../../services/lib/kafka-mock.ts';

// Tests talk to a real Kafka protocol server: KAFKA_BROKERS if set (CI may start one), else the mock
// cluster `qrm kafka-dev` left running, else one started here for this run and stopped after it.
//
// Every temporary directory of the run (a chDB database per test file, routes files, the CLIs' own)
// lives under one directory, removed when the run ends: TMPDIR is set before the test processes are
// forked, and test/support/cli.ts passes it on to the qrm processes tests start. Left in /tmp, they
// came to about 350 MB a run.

export default async function setup(project: TestProject) {
  const runDir = mkdtempSync(join(tmpdir(), 'qrm-tests-'));
  process.env.TMPDIR = runDir;
  let brokers = process.env.KAFKA_BROKERS;
  let started: number | undefined;
  if (!brokers) {
    const dev = readDevEnv(process.env.QRM_KAFKA_DEV_FILE || '.qrm/kafka-dev.env');
    if (dev.brokers && dev.pid && isAlive(dev.pid)) brokers = dev.brokers;
  }
  if (!brokers) {
    const cluster = await startMockCluster('.qrm/test-kafka.log');
    brokers = cluster.brokers;
    started = cluster.pid;
  }
  project.provide('kafkaBrokers', brokers);
  return () => {
    if (started) stopMockCluster(started);
    rmSync(runDir, { recursive: true, force: true });
  };
}
