import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// Runs the real `qrm` executable as a child process, as an operator would.

export const qrmBin = fileURLToPath(new URL('../../bin/qrm.js', import.meta.url));

export type Result = { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string };

/**
 * A clean environment for a qrm process a test starts, plus `env`: no configuration leaks in from the
 * developer's shell. TMPDIR: the run's own temporary directory (global-setup.ts), removed after it.
 */
export function childEnv(env: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', TMPDIR: process.env.TMPDIR ?? '/tmp', QRM_KAFKA_DEV_FILE: '/nonexistent', ...env };
}

export function qrm(args: string[], env: Record<string, string>): ChildProcess & { result: Promise<Result> } {
  const child = spawn(process.execPath, [qrmBin, ...args], {
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const result = new Promise<Result>((resolve) => child.on('exit', (code, signal) => setTimeout(() => resolve({ code, signal, stdout, stderr }), 50)));
  return Object.assign(child, { result });
}

export async function qrmOnce(args: string[], env: Record<string, string>): Promise<Result> {
  return qrm(args, env).result;
}

/** Resolves once the child's stderr (pino logs) contains `text`. */
export function waitForLog(child: ChildProcess, text: string, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`no "${text}" in logs within ${timeoutMs} ms:\n${seen.slice(-2000)}`)), timeoutMs);
    child.stderr!.on('data', (d) => {
      seen += d;
      if (seen.includes(text)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}
