import type { TestProject } from 'vitest/node';
import { isAlive, readDevEnv, startMockCluster, stopMockCluster } from '../../services/lib/kafka-mock.ts';

// Tests talk to a real Kafka protocol server: KAFKA_BROKERS if set (CI may start one), else the mock
// cluster `qrm kafka-dev` left running, else one started here for this run and stopped after it.

export default async function setup(project: TestProject) {
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
  };
}
