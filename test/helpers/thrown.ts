/** Runs `action` and returns what it threw, failing the test if it threw nothing or something else. */
export function thrown<T extends Error>(
  action: () => unknown,
  type: abstract new (...args: never[]) => T,
): T {
  try {
    action();
  } catch (error) {
    if (error instanceof type) return error;
    throw error;
  }
  throw new Error(`expected a ${type.name}, but nothing was thrown`);
}
