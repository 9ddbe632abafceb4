import type { EquipmentHealth } from '@ct/contracts';

/**
 * The detector's latest view of each pump and compressor, from the WebSocket's `equipment`
 * messages. Mutated in place; listeners hear once per message (the live-score colouring marks
 * the machines dirty and the frame loop repaints them).
 */
class EquipmentHealthStore {
  readonly byId = new Map<string, EquipmentHealth>();
  private readonly listeners = new Set<(changed: readonly EquipmentHealth[]) => void>();

  apply(items: readonly EquipmentHealth[]): void {
    for (const h of items) this.byId.set(h.equipment_id, h);
    for (const fn of this.listeners) fn(items);
  }

  subscribe(fn: (changed: readonly EquipmentHealth[]) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}

export const equipmentHealthStore = new EquipmentHealthStore();
