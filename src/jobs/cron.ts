import { Cron } from 'croner';

/**
 * Cron expressions (five fields, or six with seconds first), read by `croner`, in an IANA time zone.
 *
 * @example nextCronRun('0 6 * * *', 'Europe/Paris', new Date('2026-12-01T12:00:00Z')) // 2026-12-02T05:00:00.000Z
 */
export function nextCronRun(expression: string, timezone: string, after: Date): Date | null {
  return new Cron(expression, { timezone, paused: true }).nextRun(after);
}

/** Why an expression or zone is refused, or undefined when both are fine. */
export function cronProblem(expression: string, timezone = 'UTC'): string | undefined {
  try {
    Intl.DateTimeFormat('en', { timeZone: timezone });
  } catch {
    return `time zone ${JSON.stringify(timezone)} is not an IANA zone; use e.g. "UTC" or "Europe/Paris"`;
  }
  try {
    const next = nextCronRun(expression, timezone, new Date());
    if (!next) return `${JSON.stringify(expression)} never runs again`;
    return undefined;
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^CronPattern: /, '') : 'it cannot be read';
    return `${JSON.stringify(expression)} is not a cron expression (${reason}); use five fields, minute hour day month weekday, e.g. "*/15 * * * *" or "0 6 * * 1-5"`;
  }
}
