/** What a bench started and must stop, last first, however it ends (done, failed, Ctrl-C). */
export const cleanups: (() => Promise<void>)[] = [];

async function cleanup(): Promise<void> {
  while (cleanups.length) {
    const fn = cleanups.pop();
    await fn?.().catch((err: unknown) => console.error('cleanup:', err));
  }
}

/** Runs a bench's `main`, then its cleanups; SIGINT/SIGTERM run them too before exiting. */
export async function runBench(main: () => Promise<void>): Promise<void> {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      void cleanup().finally(() => process.exit(130));
    });
  }
  try {
    await main();
  } catch (err) {
    console.error(err);
    process.exitCode = 1;
  } finally {
    await cleanup();
  }
}
