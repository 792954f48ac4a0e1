import { AppError, ServiceUnavailableError } from '../errors';

/**
 * Runs a data-layer call and turns any failure that is not one of our own errors into SERVICE_UNAVAILABLE,
 * so a database that is down, slow or refusing never surfaces as a driver message, SQL or a crash.
 */
export async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new ServiceUnavailableError(error);
  }
}

/** A unique-constraint violation, as SQLite and PostgreSQL report it. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}
