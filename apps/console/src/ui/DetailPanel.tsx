import { Suspense, lazy, useEffect, useState } from 'react';
import type { NetworkData } from '../store/network-store';
import { fetchDetail, type Detail } from '../store/detail-api';
import type { Permission } from '@ct/contracts';
import { useSelection, useSession } from '../store/hooks';
import { can, type Session } from '../session/session';
import { selectionStore } from '../store/selection-store';
import { SegmentCondition } from '../condition/SegmentCondition';
import { EquipmentDetailView } from './EquipmentDetailView';
import { SegmentDetailView } from './SegmentDetailView';

export interface DetailPanelProps {
  data: NetworkData;
}

type Load =
  | { state: 'loading'; id: string }
  | { state: 'error'; id: string; message: string }
  | { state: 'done'; id: string; detail: Detail };

// the chart library loads with the first chart, not with the wall display
const SensorTrends = lazy(() =>
  import('../condition/SensorTrends').then((m) => ({ default: m.SensorTrends })),
);
const EquipmentHealthView = lazy(() =>
  import('../condition/EquipmentHealthView').then((m) => ({ default: m.EquipmentHealthView })),
);

type Tab = 'design' | 'condition' | 'health' | 'trends';
const TAB_LABELS: Record<Tab, string> = {
  design: 'Design',
  condition: 'Condition',
  health: 'Health',
  trends: 'Trends',
};

/** What each tab needs beyond the design data (the api refuses the rest to the role). */
const TAB_NEEDS: Record<Tab, Permission | null> = {
  design: null,
  condition: 'condition:read',
  health: 'equipment:read',
  trends: 'history:read',
};

function tabsOf(d: Detail, session: Session): Tab[] {
  const rotating =
    d.kind === 'equipment' && (d.body.kind === 'pump' || d.body.kind === 'compressor');
  const tabs: Tab[] =
    d.kind === 'segment'
      ? ['design', 'condition', 'trends']
      : rotating
        ? ['design', 'health', 'trends']
        : ['design', 'trends'];
  return tabs.filter((t) => TAB_NEEDS[t] === null || can(session, TAB_NEEDS[t]));
}

/**
 * The side panel for the clicked segment or machine: design data, then its condition (pipes)
 * or health (pumps, compressors), and trends of its sensors.
 */
export function DetailPanel({ data }: DetailPanelProps) {
  const { selected } = useSelection();
  const { session } = useSession();
  const [load, setLoad] = useState<Load | null>(null);
  const [tab, setTab] = useState<Tab>('design');
  const id = selected
    ? selected.kind === 'segment'
      ? data.meta.segments.id[selected.index]
      : data.meta.equipment.id[selected.index]
    : undefined;

  useEffect(() => {
    if (!selected || !id) return;
    const ctl = new AbortController();
    setLoad({ state: 'loading', id });
    setTab('design');
    fetchDetail(selected.kind, id, ctl.signal).then(
      (detail) => setLoad({ state: 'done', id, detail }),
      (err: Error) => {
        if (!ctl.signal.aborted) setLoad({ state: 'error', id, message: err.message });
      },
    );
    return () => ctl.abort();
  }, [selected, id]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') selectionStore.setSelected(null);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  if (!selected || !id) return null;
  return (
    <aside className="panel" aria-label="Details" data-testid="detail-panel">
      <button
        type="button"
        className="panel__close"
        aria-label="Close details"
        onClick={() => selectionStore.setSelected(null)}
      >
        ×
      </button>
      {!load || load.id !== id || load.state === 'loading' ? (
        <p className="muted">Loading {id} …</p>
      ) : load.state === 'error' ? (
        <p className="panel__error">
          Could not load {id}: {load.message}
        </p>
      ) : (
        <>
          <div className="tabs" role="tablist">
            {tabsOf(load.detail, session).map((t) => (
              <button
                key={t}
                type="button"
                role="tab"
                aria-selected={tab === t}
                className={`tab${tab === t ? ' tab--on' : ''}`}
                onClick={() => setTab(t)}
                data-testid={`tab-${t}`}
              >
                {TAB_LABELS[t]}
              </button>
            ))}
          </div>
          {tab === 'design' ? (
            load.detail.kind === 'segment' ? (
              <SegmentDetailView data={data} detail={load.detail.body} />
            ) : (
              <EquipmentDetailView detail={load.detail.body} />
            )
          ) : tab === 'condition' ? (
            <SegmentCondition segmentId={id} />
          ) : (
            <Suspense fallback={<p className="muted">Loading the charts …</p>}>
              {tab === 'health' ? (
                <EquipmentHealthView equipmentId={id} />
              ) : (
                <SensorTrends sensors={load.detail.body.sensors} />
              )}
            </Suspense>
          )}
        </>
      )}
    </aside>
  );
}
