/** A DOM label pinned to a point of the scene (three coordinates). */
export interface PinnedLabel {
  el: HTMLElement;
  x: number;
  y: number;
  z: number;
}

/** Labels the scene moves after each camera change (written by the DOM, read in useFrame). */
export const pinnedLabels = new Set<PinnedLabel>();

let onChange: (() => void) | null = null;

/** The scene asks to hear when labels come or go (to render a frame that places them). */
export function onLabelsChange(fn: (() => void) | null): void {
  onChange = fn;
}

export function pinLabel(l: PinnedLabel): () => void {
  pinnedLabels.add(l);
  onChange?.();
  return () => {
    pinnedLabels.delete(l);
  };
}
