import { Color } from 'three';
import { alertStore, leakOf } from '../store/alert-store';
import { conditionStore, segmentIndex } from '../store/condition-store';
import type { NetworkData } from '../store/network-store';
import { sceneStore } from '../store/scene-store';
import { needsCondition, paintAll, segmentColor, type ColourInputs } from './colour-modes';
import { segmentPaint } from './segment-paint';

const _c = new Color();

/**
 * Keeps the segment colours in step with the colour mode, the condition list and the live
 * alerts. Runs outside React; writes into the paint store, which the frame loop applies.
 */
export function startColourController(data: NetworkData): () => void {
  const inputs: ColourInputs = {
    data,
    condition: null,
    liveScore: new Float32Array(data.segmentCount).fill(NaN),
  };
  const index = segmentIndex(data);
  let scored: number[] = [];
  let mode = sceneStore.getState().colourMode;

  const repaintAll = () => {
    const c = conditionStore.getState();
    inputs.condition = c.status === 'ready' ? c.columns : null;
    if (needsCondition(mode) && c.status === 'idle') conditionStore.load(data);
    // colour that carries data needs a few pixels to be read at the overview
    segmentPaint.baseWiden = mode === 'plain' ? 1 : 1.8;
    paintAll(mode, inputs, segmentPaint);
  };

  // live score of a segment: the confidence of an active leak alert on it
  const rescore = () => {
    const live = inputs.liveScore!;
    const touched = scored;
    for (const s of touched) live[s] = NaN;
    scored = [];
    for (const a of alertStore.getState().open.values()) {
      const leak = leakOf(a);
      const s = leak ? index.get(leak.segment_id) : undefined;
      if (s === undefined) continue;
      live[s] = Math.max(Number.isNaN(live[s]!) ? 0 : live[s]!, a.active ? leak!.confidence : 0.3);
      scored.push(s);
    }
    if (mode !== 'live_score') return;
    for (const s of [...touched, ...scored]) {
      segmentColor(mode, s, inputs, _c);
      segmentPaint.setBase(s, _c.r, _c.g, _c.b);
    }
  };

  repaintAll();
  rescore();
  const stops = [
    sceneStore.subscribe(() => {
      const next = sceneStore.getState().colourMode;
      if (next === mode) return;
      mode = next;
      repaintAll();
    }),
    conditionStore.subscribe(() => {
      if (needsCondition(mode)) repaintAll();
    }),
    alertStore.subscribe(rescore),
  ];
  return () => stops.forEach((f) => f());
}
