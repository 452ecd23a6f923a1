import type { HandoffsService } from '../domains/rosters/index.js';
import type { EngineModule } from './tick.js';

/** Handoffs: announces who comes on call when a shift changes hands, once per handoff. */
export function handoffsModule(handoffs: HandoffsService): EngineModule {
  return { name: 'handoffs', run: (now) => handoffs.run(now) };
}
