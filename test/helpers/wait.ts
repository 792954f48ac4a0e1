/**
 * Waits until `check` holds, polling every 10 ms, for at most `ms`; the caller's assertion then says what
 * did not happen. Waiting for the condition, not a fixed time, keeps a loaded machine from failing a test.
 */
export async function until(check: () => boolean | Promise<boolean>, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
}
