import { Migration20261122000001_foundation } from './Migration20261122000001_foundation.js';

/** Every migration, in order. Listed explicitly so no folder discovery is needed at run time. */
export const migrationsList = [
  { name: 'Migration20261122000001_foundation', class: Migration20261122000001_foundation },
];
