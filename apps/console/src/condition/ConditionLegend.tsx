import { AGE_STOPS, PALETTE } from '../scene/palette';
import { UNKNOWN_HEX, legendFor, unitOf, type ColourMode } from '../scene/colour-modes';
import { MATCH_COLOR, FADED_COLOR } from '../scene/segment-paint';

export interface ConditionLegendProps {
  mode: ColourMode;
  filtering: boolean;
}

const ageRamp = [...AGE_STOPS]
  .reverse()
  .map(([year, hex], i, all) => {
    const first = all[0]![0];
    const last = all[all.length - 1]![0];
    return `${hex} ${(((year - first) / (last - first)) * 100).toFixed(1)}%`;
  })
  .join(', ');
const years = [...AGE_STOPS].reverse().map(([y]) => y);

/** What the colours mean now: the mode's classes, or the filter's two. */
export function ConditionLegend({ mode, filtering }: ConditionLegendProps) {
  if (filtering) {
    return (
      <ul className="legend__keys legend__keys--column" data-testid="legend">
        <li>
          <span
            className="swatch swatch--line"
            style={{ background: `#${MATCH_COLOR.getHexString()}` }}
          />{' '}
          matches the filter
        </li>
        <li>
          <span
            className="swatch swatch--line"
            style={{ background: `#${FADED_COLOR.getHexString()}` }}
          />{' '}
          other pipes
        </li>
      </ul>
    );
  }
  if (mode === 'age') {
    const first = years[0]!;
    const last = years[years.length - 1]!;
    return (
      <div className="legend-inline" data-testid="legend">
        <div
          className="legend__ramp"
          style={{ background: `linear-gradient(to right, ${ageRamp})` }}
        />
        <div className="legend__ticks">
          {years.map((y) => (
            <span key={y} style={{ left: `${((y - first) / (last - first)) * 100}%` }}>
              {y}
            </span>
          ))}
        </div>
        <p className="muted small">install year: darker is older</p>
      </div>
    );
  }
  const stops = legendFor(mode);
  return (
    <div className="legend-inline" data-testid="legend">
      <ul className="legend__keys legend__keys--column">
        {stops.map((s) => (
          <li key={s.label}>
            <span className="swatch swatch--line" style={{ background: s.hex }} /> {s.label}
          </li>
        ))}
        <li>
          <span className="swatch swatch--line" style={{ background: UNKNOWN_HEX }} /> no data
        </li>
      </ul>
      <p className="muted small">
        {unitOf(mode) && `${unitOf(mode)}; `}darker is worse
        {mode === 'live_score' &&
          '; pipes: open leak alerts by confidence; pumps and compressors: detector score'}
      </p>
      <p className="muted small">
        <span className="swatch swatch--line" style={{ background: PALETTE.selected }} /> selected
      </p>
    </div>
  );
}
