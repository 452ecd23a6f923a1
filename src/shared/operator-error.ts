/**
 * A failure the person running OpsWatch can fix: `message` says what went wrong, `remedy` what to do about it.
 * The command line prints both (and no stack trace); anything else it prints as an unexpected failure.
 */
export class OperatorError extends Error {
  readonly remedy: string;

  constructor(message: string, remedy: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OperatorError';
    this.remedy = remedy;
  }
}

export function isOperatorError(err: unknown): err is OperatorError {
  return err instanceof OperatorError;
}
