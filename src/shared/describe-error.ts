/**
 * Words for anything code may throw or a promise may reject with, so that no failure ever reads "undefined" or
 * "[object Object]": an Error's message with its code and the errors it wraps (`cause`, AggregateError's
 * `errors`), a string as it is, and for anything else (`undefined`, `null`, a number, a plain object) a sentence
 * saying what was thrown instead of an error.
 */
export function describeThrown(value: unknown): string {
  return describe(value, 0);
}

const MAX_DEPTH = 4;
const MAX_JSON = 500;

function describe(value: unknown, depth: number): string {
  if (value instanceof Error) return describeError(value, depth);
  switch (typeof value) {
    case 'string':
      return value.trim() || 'an empty error message';
    case 'undefined':
      return 'no reason given (it failed with the value undefined instead of an error)';
    case 'number':
    case 'boolean':
    case 'bigint':
      return `no reason given (it failed with the value ${String(value)} instead of an error)`;
    case 'symbol':
      return `no reason given (it failed with ${value.toString()} instead of an error)`;
    case 'function':
      return `no reason given (it failed with a function${value.name ? ` named ${value.name}` : ''} instead of an error)`;
    default:
      if (value === null || typeof value !== 'object')
        return 'no reason given (it failed with the value null instead of an error)';
      return describeObject(value, depth);
  }
}

function codeOf(value: object): string | undefined {
  const code = (value as { code?: unknown }).code;
  return typeof code === 'string' || typeof code === 'number' ? String(code) : undefined;
}

function withCode(message: string, code: string | undefined): string {
  return code && !message.includes(code) ? `${message} (${code})` : message;
}

function describeError(err: Error, depth: number): string {
  const name = err.name && err.name !== 'Error' ? err.name : 'an error';
  let text = withCode(err.message.trim() || `${name} with no message`, codeOf(err));
  if (depth >= MAX_DEPTH) return text;
  if (err instanceof AggregateError && err.errors.length) {
    const parts = [...new Set(err.errors.map((e: unknown) => describe(e, depth + 1)))];
    text = err.message.trim() ? `${text}: ${parts.join('; ')}` : parts.join('; ');
  }
  if (err.cause !== undefined && err.cause !== err) {
    const cause = describe(err.cause, depth + 1);
    if (!text.includes(cause)) text += `, caused by: ${cause}`;
  }
  return text;
}

function describeObject(value: object, depth: number): string {
  const message = (value as { message?: unknown }).message;
  if (typeof message === 'string' && message.trim()) return withCode(message.trim(), codeOf(value));
  const ctor = (value as { constructor?: { name?: string } }).constructor;
  const kind = ctor && ctor !== Object && ctor.name ? `an object of type ${ctor.name}` : 'an object';
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    json = undefined; // circular or holds a BigInt
  }
  if (json === undefined || json === '{}') {
    const keys = Object.keys(value).slice(0, 8);
    return `no reason given (it failed with ${kind}${keys.length ? ` with keys ${keys.join(', ')}` : ''} instead of an error)`;
  }
  const shown = json.length > MAX_JSON ? `${json.slice(0, MAX_JSON)}…` : json;
  return depth > 0 ? shown : `no reason given (it failed with ${kind} instead of an error: ${shown})`;
}
