import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import type { ConditionSearchResponse } from '@ct/contracts';
import type { NetworkData } from '../store/network-store';
import { conditionStore, csvSegmentIds, segmentIndex } from '../store/condition-store';
import { sceneStore } from '../store/scene-store';
import { selectionStore } from '../store/selection-store';
import { requestOverview } from '../store/view-store';
import {
  COLOUR_MODES,
  COLOUR_MODE_LABELS,
  needsCondition,
  type ColourMode,
} from '../scene/colour-modes';
import { segmentPaint } from '../scene/segment-paint';
import { formatInt } from '../format';
import { ConditionLegend } from './ConditionLegend';
import { useSession } from '../store/hooks';
import { apiFetch, can } from '../session/session';

export interface ConditionViewProps {
  data: NetworkData;
}

/** The engineer's filter, as the form holds it (strings, empty: not set). */
interface Filter {
  remaining_life_max: string;
  wall_loss_min: string;
  corrosion_rate_min: string;
  install_year_max: string;
  risk: string[];
  company: string;
  material: string;
  line: string;
  overdue: boolean;
  ffs: boolean;
}

const EMPTY: Filter = {
  remaining_life_max: '',
  wall_loss_min: '',
  corrosion_rate_min: '',
  install_year_max: '',
  risk: [],
  company: '',
  material: '',
  line: '',
  overdue: false,
  ffs: false,
};
const RISKS = ['low', 'medium', 'medium_high', 'high'] as const;

/** The filter as query parameters of `/api/condition/segments` (and its `.csv`). */
export function filterQuery(f: Filter): URLSearchParams {
  const q = new URLSearchParams();
  for (const k of [
    'remaining_life_max',
    'wall_loss_min',
    'corrosion_rate_min',
    'install_year_max',
    'company',
    'material',
    'line',
  ] as const) {
    const v = f[k].trim();
    if (v) q.set(k, v);
  }
  if (f.risk.length > 0) q.set('risk', f.risk.join(','));
  if (f.overdue) q.set('overdue', 'true');
  if (f.ffs) q.set('ffs', 'true');
  return q;
}

type Result =
  | { status: 'none' }
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'done'; page: ConditionSearchResponse; highlighted: number };

/**
 * The condition browser's side bar: what the pipes are coloured by (with its legend), the
 * search of the integrity api, and its matches, highlighted in the scene.
 */
export function ConditionView({ data }: ConditionViewProps) {
  const colourMode = useSyncExternalStore(
    sceneStore.subscribe,
    () => sceneStore.getState().colourMode,
  );
  const cond = useSyncExternalStore(conditionStore.subscribe, conditionStore.getState);
  // pipe condition is each company's own: the control room's desk view colours by age and
  // live score only, and has no search
  const conditionReadable = can(useSession().session, 'condition:read');
  const owners = useMemo(() => {
    const seen = new Set(data.meta.segments.company);
    return data.meta.companies.filter((_, i) => seen.has(i));
  }, [data]);
  const [filter, setFilter] = useState<Filter>(EMPTY);
  const [result, setResult] = useState<Result>({ status: 'none' });

  useEffect(() => {
    sceneStore.update({
      colourMode:
        sceneStore.getState().colourMode === 'plain' ? 'age' : sceneStore.getState().colourMode,
      companyLabels: true,
      focusAlertId: null,
    });
    return () => {
      segmentPaint.setMatches(null);
    };
  }, []);

  const search = async (f: Filter) => {
    setResult({ status: 'loading' });
    const q = filterQuery(f);
    try {
      const pageQ = new URLSearchParams(q);
      pageQ.set('limit', '25');
      pageQ.set('sort', 'remaining_life');
      pageQ.set('order', 'asc');
      const [pageRes, csvRes] = await Promise.all([
        apiFetch(`/api/condition/segments?${pageQ}`),
        apiFetch(`/api/condition/segments.csv?${q}`),
      ]);
      if (!pageRes.ok) {
        const b = (await pageRes.json().catch(() => ({}))) as { message?: string };
        throw new Error(b.message ?? `search: ${pageRes.status}`);
      }
      if (!csvRes.ok) throw new Error(`matches: ${csvRes.status}`);
      const page = (await pageRes.json()) as ConditionSearchResponse;
      const index = segmentIndex(data);
      const matched = csvSegmentIds(await csvRes.text())
        .map((id) => index.get(id) ?? -1)
        .filter((i) => i >= 0);
      const highlighted = segmentPaint.setMatches(matched);
      setResult({ status: 'done', page, highlighted });
    } catch (err) {
      setResult({ status: 'error', message: (err as Error).message });
    }
  };
  const clear = () => {
    setFilter(EMPTY);
    segmentPaint.setMatches(null);
    setResult({ status: 'none' });
  };
  const set = <K extends keyof Filter>(k: K, v: Filter[K]) => setFilter({ ...filter, [k]: v });

  return (
    <aside className="sidebar" aria-label="Condition browser" data-testid="condition-sidebar">
      <h2 className="sidebar__title">Colour by</h2>
      <select
        value={colourMode}
        onChange={(e) => sceneStore.update({ colourMode: e.target.value as ColourMode })}
        aria-label="Colour the network by"
        data-testid="colour-mode"
      >
        {COLOUR_MODES.filter((m) => m !== 'plain' && (conditionReadable || !needsCondition(m))).map(
          (m) => (
            <option key={m} value={m}>
              {COLOUR_MODE_LABELS[m]}
            </option>
          ),
        )}
      </select>
      <ConditionLegend mode={colourMode} filtering={result.status === 'done'} />
      {cond.status === 'loading' && (
        <p className="muted small">Loading the condition of every pipe …</p>
      )}
      {cond.status === 'error' && <p className="panel__error">{cond.message}</p>}

      {!conditionReadable && (
        <p className="muted small" data-testid="condition-not-yours">
          Pipe condition, stored history and machine health belong to each company&apos;s engineers;
          this view shows the network and its design data.
        </p>
      )}
      {conditionReadable && (
        <>
          <h2 className="sidebar__title">Find pipes</h2>
          <form
            className="filter"
            onSubmit={(e) => {
              e.preventDefault();
              void search(filter);
            }}
            data-testid="condition-filter"
          >
            <label>
              Remaining life below (years)
              <input
                type="number"
                step="any"
                min="0"
                value={filter.remaining_life_max}
                onChange={(e) => set('remaining_life_max', e.target.value)}
                data-testid="filter-remaining-life-max"
              />
            </label>
            <label>
              Wall loss at least (%)
              <input
                type="number"
                step="any"
                min="0"
                value={filter.wall_loss_min}
                onChange={(e) => set('wall_loss_min', e.target.value)}
              />
            </label>
            <label>
              Corrosion rate at least (mm/y)
              <input
                type="number"
                step="any"
                min="0"
                value={filter.corrosion_rate_min}
                onChange={(e) => set('corrosion_rate_min', e.target.value)}
              />
            </label>
            <label>
              Installed in or before
              <input
                type="number"
                value={filter.install_year_max}
                onChange={(e) => set('install_year_max', e.target.value)}
              />
            </label>
            <label>
              Owner
              <select value={filter.company} onChange={(e) => set('company', e.target.value)}>
                <option value="">any</option>
                {owners.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.short_name} · {c.name}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Material
              <select value={filter.material} onChange={(e) => set('material', e.target.value)}>
                <option value="">any</option>
                {data.meta.materials.map((m) => (
                  <option key={m} value={m}>
                    {m.replace(/_/g, ' ')}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Line (tag or id)
              <input value={filter.line} onChange={(e) => set('line', e.target.value)} />
            </label>
            <fieldset className="chips">
              <legend>Risk</legend>
              {RISKS.map((r) => (
                <label key={r} className="check">
                  <input
                    type="checkbox"
                    checked={filter.risk.includes(r)}
                    onChange={(e) =>
                      set(
                        'risk',
                        e.target.checked ? [...filter.risk, r] : filter.risk.filter((x) => x !== r),
                      )
                    }
                  />
                  {r.replace('_', '-')}
                </label>
              ))}
            </fieldset>
            <div className="chips">
              <label className="check">
                <input
                  type="checkbox"
                  checked={filter.overdue}
                  onChange={(e) => set('overdue', e.target.checked)}
                />
                inspection overdue
              </label>
              <label className="check">
                <input
                  type="checkbox"
                  checked={filter.ffs}
                  onChange={(e) => set('ffs', e.target.checked)}
                />
                FFS review needed
              </label>
            </div>
            <div className="filter__buttons">
              <button type="submit" data-testid="filter-apply">
                Find and highlight
              </button>
              <button type="button" onClick={clear}>
                Clear
              </button>
            </div>
          </form>
          {result.status === 'loading' && <p className="muted">Searching …</p>}
          {result.status === 'error' && <p className="panel__error">{result.message}</p>}
          {result.status === 'done' && (
            <div className="results" data-testid="condition-results">
              <p>
                <strong data-testid="match-total">{formatInt(result.page.total)}</strong> segments
                match · <span data-testid="match-highlighted">{formatInt(result.highlighted)}</span>{' '}
                highlighted
              </p>
              <ol className="results__list">
                {result.page.items.map((it) => (
                  <li key={it.segment_id}>
                    <button
                      type="button"
                      className="link"
                      onClick={() => {
                        const s = segmentIndex(data).get(it.segment_id);
                        if (s === undefined) return;
                        selectionStore.setSelected({ kind: 'segment', index: s });
                        window.__consoleFocus?.(s, 700);
                      }}
                    >
                      {it.segment_id}
                    </button>{' '}
                    <span className="muted">
                      {it.line_tag} · life{' '}
                      {it.remaining_life_y === null ? '∞' : `${it.remaining_life_y.toFixed(1)} y`} ·{' '}
                      {it.risk_cell}
                    </span>
                  </li>
                ))}
              </ol>
              {result.page.total > result.page.items.length && (
                <p className="muted small">
                  first {result.page.items.length} by remaining life;{' '}
                  <a href={`/api/condition/segments.csv?${filterQuery(filter)}`}>all as CSV</a>
                </p>
              )}
            </div>
          )}
        </>
      )}
      <button type="button" className="legend__button" onClick={() => requestOverview()}>
        Overview
      </button>
    </aside>
  );
}
