import { serve } from '@hono/node-server';
import { OperatorError } from '../shared/operator-error.js';

export type HttpServer = ReturnType<typeof serve>;

export interface Listening {
  server: HttpServer;
  /** The port listened on (the one chosen when asked for port 0). */
  port: number;
  close(): Promise<void>;
}

/** Serves `fetch` on `hostname:port`; a port in use (or another listen failure) rejects, naming what to do. */
export function listen(
  fetch: Parameters<typeof serve>[0]['fetch'],
  port: number,
  hostname: string,
): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => reject(listenError(err, port, hostname));
    const server = serve({ fetch, port, hostname }, (info) => {
      server.off('error', onError);
      resolve({
        server,
        port: info.port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
          }),
      });
    });
    server.once('error', onError);
  });
}

function listenError(err: NodeJS.ErrnoException, port: number, host: string): Error {
  switch (err.code) {
    case 'EADDRINUSE':
      return new OperatorError(
        `Port ${port} on ${host} is already in use: another program (perhaps another OpsWatch) listens there.`,
        'Stop that program, or set PORT to a free port (for example PORT=3001).',
        { cause: err },
      );
    case 'EACCES':
      return new OperatorError(
        `Not allowed to listen on port ${port} (EACCES).`,
        'Set PORT to a port above 1023, or run with the right to bind low ports.',
        { cause: err },
      );
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return new OperatorError(
        `Cannot listen on ${host}: it is not an address of this machine (${err.code}).`,
        "Set HOST to one of this machine's addresses, or 0.0.0.0 for all of them.",
        { cause: err },
      );
    default:
      return err;
  }
}
