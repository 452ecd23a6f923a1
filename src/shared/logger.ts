import { pino } from 'pino';

export type Logger = pino.Logger;

/**
 * Structured JSON logs: on stdout for the long-running `start`; on stderr for the one-shot commands, whose
 * stdout is their answer (`KEY=$(opswatch apikey create)`).
 */
export function createLogger(
  level: string = process.env.LOG_LEVEL ?? 'info',
  to: 'stdout' | 'stderr' = 'stdout',
): Logger {
  const base = { level, base: { app: 'opswatch' } };
  return to === 'stderr' ? pino(base, pino.destination({ dest: 2, sync: true })) : pino(base);
}
