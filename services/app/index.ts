import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { ClickHouse } from '../clients/clickhouse.ts';
import type { Config } from '../config/index.ts';
import { QrmError } from '../errors.ts';
import { apiRoutes } from '../http/api.ts';
import { buildHttpServer, type Route } from '../http/server.ts';
import { buildAlert, type AlertDeps } from './alert.ts';
import { buildIngest } from './ingest.ts';
import { buildScore } from './score.ts';
import { resolvePiiKey } from './pii-key.ts';
import type { Service } from './service.ts';

// The application factory: wires the chosen services onto clients it is given, so tests build it
// against their own chDB, mock cluster and metrics registry, and the same code runs all-in-one
// (`qrm run`) or one service per process (`qrm run --services ingest`).

export const serviceNames = ['ingest', 'score', 'alert', 'api'] as const;
export type ServiceName = (typeof serviceNames)[number];

export type AppDeps = { log: Logger; registry: Registry; ch: ClickHouse; kafka: Kafka };

export function parseServices(list: string): ServiceName[] {
  const names = list.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(serviceNames as readonly string[]).includes(n));
  if (unknown.length || names.length === 0) {
    throw new QrmError('CONFIG_INVALID', 'cli', `--services: unknown ${unknown.join(', ') || '(empty)'}; known: ${serviceNames.join(', ')}`);
  }
  return [...new Set(names)] as ServiceName[];
}

export function build(config: Config, deps: AppDeps & { alert?: Partial<AlertDeps> }, names: readonly ServiceName[] = serviceNames) {
  const routes: Route[] = [];
  const services: Service[] = names.map((name) => {
    switch (name) {
      case 'ingest':
        return buildIngest(config, { ...deps, piiKey: resolvePiiKey(config) });
      case 'score':
        return buildScore(config, deps);
      case 'alert':
        return buildAlert(config, { ...deps, ...deps.alert });
      case 'api':
        return buildApi(config, deps, routes);
    }
  });
  const http = buildHttpServer(config.app.httpPort, {
    routes,
    registry: deps.registry,
    log: deps.log.child({ component: 'http' }),
    ready: async () => {
      const storage = await deps.ch.client.ping().then((p) => p.success).catch(() => false);
      const detail = Object.fromEntries(services.map((s) => [s.name, s.ready()]));
      return { ok: storage && services.every((s) => s.ready()), detail: { clickhouse: storage, ...detail } };
    },
  });

  let stopping: Promise<void> | undefined;
  return {
    services,
    /** Starts the HTTP endpoints first (health answers during start-up), then each service. */
    async start(): Promise<{ port: number }> {
      const port = await http.listen();
      for (const s of services) await s.start();
      return { port };
    },
    /**
     * Stops in reverse order of start. Past the deadline, services abandon what cannot finish
     * (nothing is committed that was not stored, so that is safe) and the stop completes.
     */
    stop(deadlineMs = 30_000): Promise<void> {
      stopping ??= (async () => {
        const timer = setTimeout(() => {
          deps.log.warn({ deadlineMs }, 'shutdown deadline passed; abandoning in-flight work');
          for (const s of services) s.abort?.();
        }, deadlineMs);
        try {
          for (const s of [...services].reverse()) await s.stop();
          await http.close();
        } finally {
          clearTimeout(timer);
        }
      })();
      return stopping;
    },
  };
}

export type App = ReturnType<typeof build>;

/** The bureaus' HTTP API on the shared port; its producer publishes acknowledgements. */
function buildApi(config: Config, deps: AppDeps, routes: Route[]): Service {
  const producer = deps.kafka.producer({ allowAutoTopicCreation: true });
  let ready = false;
  routes.push(apiRoutes({ ch: deps.ch, producer, warningsTopic: config.kafka.topics.warnings, tokens: config.alert.apiTokens, log: deps.log.child({ component: 'api' }) }));
  return {
    name: 'api',
    async start() {
      await producer.connect();
      ready = true;
    },
    async stop() {
      ready = false;
      await producer.disconnect();
    },
    ready: () => ready,
  };
}
