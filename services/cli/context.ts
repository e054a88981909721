import type { Logger } from 'pino';
import { loadConfig, type Config } from '../config/index.ts';
import { QrmError } from '../errors.ts';
import { createLogger } from '../telemetry/logger.ts';

// What every command needs first: configuration parsed once (errors name the variable) and a logger.

export type Context = { config: Config; log: Logger };

export function context(): Context {
  try {
    const config = loadConfig();
    return { config, log: createLogger(config.app.logLevel) };
  } catch (err) {
    fail(err);
  }
}

/** Turns any failure into one readable line on stderr and a non-zero exit code. */
export function fail(err: unknown): never {
  if (err instanceof QrmError) process.stderr.write(`qrm: ${err.message}\n`);
  else if (err instanceof Error) process.stderr.write(`qrm: ${err.message}\n`);
  else process.stderr.write(`qrm: ${String(err)}\n`);
  process.exit(err instanceof QrmError && err.code === 'CONFIG_INVALID' ? 78 : 1);
}

/** chDB allows one process per data directory; say what that means instead of the engine's words. */
export function explainLock(err: unknown, dataDir: string): unknown {
  if (err instanceof Error && /Cannot lock|Another server instance|Failed to create connection for path/.test(err.message)) {
    return new Error(`the embedded database in ${dataDir} is in use by another qrm process (embedded mode allows one process per data directory); stop it, or use that process's HTTP API`);
  }
  return err;
}
