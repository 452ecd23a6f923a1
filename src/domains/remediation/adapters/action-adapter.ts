import type { ActionTarget, TemplateFields } from '../action.schemas.js';

/** What an adapter is given besides its target: the incident's template fields, the process's environment, now. */
export interface ActionContext {
  /** `incident.ref`, `incident.title`, `labels.<name>`… (see `runFields`). */
  fields: TemplateFields;
  /** Where `${env:NAME}` secrets are read from at run time (the process's environment). */
  env: Readonly<Record<string, string | undefined>>;
  now: Date;
}

/**
 * A stage of an action that did not succeed, with a reason fit for a person (shown on the run and the timeline).
 * `unsent`: the target was certainly not changed (refused before sending, or answered with an error).
 */
export class ActionFailure extends Error {
  constructor(
    message: string,
    readonly unsent = false,
  ) {
    super(message);
    this.name = 'ActionFailure';
  }
}

/**
 * One kind of action (`http`, `kubernetes`…): a small adapter. `preflight` is the dry run (nothing changes),
 * `execute` does it within `timeoutMs`, `check` (optional) tells whether it worked. Each answers a short summary
 * of what it did and throws ActionFailure when it did not.
 */
export interface ActionAdapter<K extends ActionTarget['kind'] = ActionTarget['kind']> {
  kind: K;
  preflight(target: Extract<ActionTarget, { kind: K }>, ctx: ActionContext): Promise<string>;
  execute(
    target: Extract<ActionTarget, { kind: K }>,
    ctx: ActionContext,
    opts: { timeoutMs: number },
  ): Promise<string>;
  /** Whether the action worked (verify), when the target can tell; undefined: verify watches the incident's alerts. */
  check?(
    target: Extract<ActionTarget, { kind: K }>,
    ctx: ActionContext,
    opts: { timeoutMs: number },
  ): Promise<boolean | undefined>;
}

/** `promise`, or an ActionFailure when it takes longer than `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new ActionFailure(`${what} timed out after ${Math.round(ms / 1000)} s`)),
      ms,
    );
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}
