/**
 * Waits on a condition, never a fixed time: polls `probe` until it gives a value (anything but null, undefined
 * or false), or fails naming what it waited for. Errors thrown by `probe` count as "not yet".
 */
export async function until<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  timeoutMs = 10_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const got = await Promise.resolve()
      .then(probe)
      .catch(() => null);
    if (got !== null && got !== undefined && got !== false) return got;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
