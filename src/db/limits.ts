/** Opening a connection gives up after this long, so a request meets an unreachable database with a prompt 503. */
export const CONNECT_TIMEOUT_MS = 5_000;
