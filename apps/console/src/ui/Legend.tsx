import { AGE_STOPS, PALETTE } from '../scene/palette';
import { requestOverview } from '../store/view-store';

export type LegendProps = Record<string, never>;

const ramp = [...AGE_STOPS]
  .reverse()
  .map(([year, hex], i, all) => {
    const first = all[0]![0];
    const last = all[all.length - 1]![0];
    return `${hex} ${(((year - first) / (last - first)) * 100).toFixed(1)}%`;
  })
  .join(', ');
const years = [...AGE_STOPS].reverse().map(([y]) => y);

/** Pipe age ramp, equipment shapes, how to move around. */
export function Legend() {
  const first = years[0]!;
  const last = years[years.length - 1]!;
  return (
    <section className="legend" aria-label="Legend">
      <h2 className="legend__title">Pipe age · install year</h2>
      <div className="legend__ramp" style={{ background: `linear-gradient(to right, ${ramp})` }} />
      <div className="legend__ticks">
        {years.map((y) => (
          <span key={y} style={{ left: `${((y - first) / (last - first)) * 100}%` }}>
            {y}
          </span>
        ))}
      </div>
      <ul className="legend__keys">
        <li>
          <span className="swatch swatch--box" style={{ background: PALETTE.equipment.pump }} />{' '}
          pump
        </li>
        <li>
          <span
            className="swatch swatch--box swatch--big"
            style={{ background: PALETTE.equipment.compressor }}
          />{' '}
          compressor
        </li>
        <li>
          <span
            className="swatch swatch--diamond"
            style={{ background: PALETTE.equipment.valve }}
          />{' '}
          valve
        </li>
        <li>
          <span className="swatch swatch--round" style={{ background: PALETTE.equipment.tank }} />{' '}
          tank
        </li>
      </ul>
      <div className="legend__row">
        <ul className="legend__keys">
          <li>
            <span className="swatch swatch--line" style={{ background: PALETTE.hover }} /> hovered
          </li>
          <li>
            <span className="swatch swatch--line" style={{ background: PALETTE.selected }} />{' '}
            selected
          </li>
        </ul>
        <button type="button" className="legend__button" onClick={requestOverview}>
          Overview
        </button>
      </div>
      <p className="legend__hint">drag: pan · right-drag: turn · wheel: zoom · click: details</p>
    </section>
  );
}
