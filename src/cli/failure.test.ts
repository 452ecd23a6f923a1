import { describe, expect, it } from '@jest/globals';
import { AppError } from '../shared/errors.js';
import { OperatorError } from '../shared/operator-error.js';
import { explainFailure, formatFailure, redactUrl } from './failure.js';

const embedded = { dataDir: '/srv/opswatch/data' };
const external = { dataDir: '/srv/opswatch/data', databaseUrl: 'postgresql://ow:s3cret@db.internal:5432/ow' };

describe('what a failed command prints', () => {
  it('prints an OperatorError as its cause and its remedy, without a stack', () => {
    const err = new OperatorError(
      'OpsWatch is already running on this data folder (pid 7, port 3000).',
      'Stop it.',
    );
    expect(formatFailure(err, embedded)).toBe(
      'OpsWatch failed: OpsWatch is already running on this data folder (pid 7, port 3000).\nWhat to do: Stop it.\n',
    );
  });

  it('never prints "undefined": a rejection with nothing says so and what to do, with no stack to show', () => {
    const text = formatFailure(undefined, embedded);
    expect(text).not.toMatch(/failed: undefined/);
    expect(text).toContain('no reason given');
    expect(text).toContain('What to do: This was not expected');
  });

  it('adds the stack of an unexpected Error, for a bug report', () => {
    const e = explainFailure(new TypeError('x is not a function'), embedded);
    expect(e.cause).toBe('x is not a function');
    expect(e.stack).toContain('TypeError: x is not a function');
  });

  it('names an unreachable DATABASE_URL without its password, and what to check', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED' });
    const e = explainFailure(refused, external);
    expect(e.cause).toBe(
      'Cannot use the database at postgresql://ow:***@db.internal:5432/ow: connect ECONNREFUSED 10.0.0.5:5432',
    );
    expect(e.remedy).toContain('Check DATABASE_URL');
    expect(e.stack).toBeUndefined();
    const auth = Object.assign(new Error('password authentication failed for user "ow"'), { code: '28P01' });
    expect(explainFailure(auth, external).remedy).toBe('Check the user name and password in DATABASE_URL.');
  });

  it('finds the connection error inside an AggregateError (both addresses of localhost refused)', () => {
    const agg = new AggregateError([
      Object.assign(new Error('connect ECONNREFUSED ::1:5432'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
    ]);
    const e = explainFailure(agg, external);
    expect(e.cause).toContain('connect ECONNREFUSED ::1:5432; connect ECONNREFUSED 127.0.0.1:5432');
    expect(e.remedy).toContain('DATABASE_URL');
  });

  it('says the embedded database went away when it is the one that stopped answering', () => {
    const gone = Object.assign(new Error('terminating connection due to administrator command'), {
      code: '57P01',
    });
    const e = explainFailure(gone, embedded);
    expect(e.cause).toContain('the embedded PostgreSQL of /srv/opswatch/data');
    expect(e.remedy).toContain('run the command again');
  });

  it('prints an AppError with the fields at fault', () => {
    const err = AppError.validation('The API key name is not valid.', [
      { field: 'name', message: 'too long' },
    ]);
    expect(explainFailure(err, embedded)).toEqual({
      cause: 'The API key name is not valid. (name: too long)',
      remedy: 'Correct what is named above and run the command again.',
    });
  });

  it('hides only the password of a URL', () => {
    expect(redactUrl('postgresql://u:p@h:1/d')).toBe('postgresql://u:***@h:1/d');
    expect(redactUrl('postgresql://u@h/d')).toBe('postgresql://u@h/d');
  });
});
