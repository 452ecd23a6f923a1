import { Migration20261122000001_foundation } from './Migration20261122000001_foundation.js';
import { Migration20261122000002_slack } from './Migration20261122000002_slack.js';

/** Every migration, in order. Listed explicitly so no folder discovery is needed at run time. */
export const migrationsList = [
  { name: 'Migration20261122000001_foundation', class: Migration20261122000001_foundation },
  { name: 'Migration20261122000002_slack', class: Migration20261122000002_slack },
];
