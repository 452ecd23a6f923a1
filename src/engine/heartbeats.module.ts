import type { HeartbeatsService } from '../domains/heartbeats/index.js';
import type { EngineModule } from './tick.js';

/**
 * Heartbeats: every monitor past its deadline (interval + grace since its last ping) goes down and fires its
 * alert of source `heartbeat` — once, however many workers tick (advisory lock, `FOR UPDATE SKIP LOCKED`).
 */
export function heartbeatsModule(heartbeats: HeartbeatsService): EngineModule {
  return { name: 'heartbeats', run: (now) => heartbeats.checkMissed(now) };
}
