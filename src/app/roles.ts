/** What one OpsWatch process runs: any of them, each on any number of replicas. */
export type RoleName = 'http' | 'slack' | 'worker';
export const ALL_ROLES: RoleName[] = ['http', 'slack', 'worker'];
