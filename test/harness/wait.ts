/**
 * Waits on a condition, never a fixed time: polls `probe` until it gives a value (anything but null, undefined
 * or false), or fails naming what it waited for. An error thrown by `probe` fails the wait at once.
 */
export async function until<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  timeoutMs = 20_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const got = await probe();
    if (got !== null && got !== undefined && got !== false) return got;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50)); // between polls, not before an assertion
  }
}
