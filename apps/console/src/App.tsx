import { useEffect, useSyncExternalStore } from 'react';
import { useNetwork, useSelection } from './store/hooks';
import { startFeed } from './store/feed';
import { networkStore } from './store/network-store';
import { sceneStore } from './store/scene-store';
import { selectionStore } from './store/selection-store';
import { sessionStore } from './store/session-store';
import { setProbeMode } from './store/console-probe';
import { SiteScene } from './scene/SiteScene';
import { CompanyLabels } from './ui/CompanyLabels';
import { DetailPanel } from './ui/DetailPanel';
import { Header } from './ui/Header';
import { IncidentLabels } from './ui/IncidentLabels';
import { ModeChooser } from './ui/ModeChooser';
import { StaleBanner } from './ui/StaleBanner';
import { Tooltip } from './ui/Tooltip';
import { WallCaptionSlot, useWallDirector } from './wall/WallView';
import { WallHeader } from './wall/WallHeader';
import { WallModeSwitch } from './wall/WallModeSwitch';
import { canSwitchModes } from './session/session';
import { IncidentView } from './incident/IncidentView';
import { ConditionView } from './condition/ConditionView';

export type AppProps = Record<string, never>;

/**
 * The 3D console: one scene of the whole complex shared by three modes: the wall display
 * (operators), incident response (safety officers) and the condition browser (engineers).
 */
export function App() {
  const network = useNetwork();
  const { session, mode } = useSyncExternalStore(sessionStore.subscribe, sessionStore.getState);
  const scene = useSyncExternalStore(sceneStore.subscribe, sceneStore.getState);
  const selection = useSelection();

  useEffect(() => {
    networkStore.load();
    // the feed depends on the role: live values, or polled alerts for roles without them
    let stop: (() => void) | null = null;
    let cancelled = false;
    void sessionStore.load().then(() => {
      if (!cancelled) stop = startFeed();
    });
    return () => {
      cancelled = true;
      stop?.();
    };
  }, []);
  useEffect(() => {
    setProbeMode(mode, scene.focusAlertId);
    document.documentElement.dataset.mode = mode ?? 'choose';
  }, [mode, scene.focusAlertId]);

  const data = network.status === 'ready' ? network.data : null;
  const siteName = data?.meta.site.name ?? null;
  const wall = mode === 'wall';
  const director = useWallDirector(data, wall);
  if (session.status === 'redirecting') return null;
  return (
    <div className={`app app--${mode ?? 'choose'}`}>
      {wall ? (
        <WallHeader siteName={siteName} />
      ) : (
        <Header siteName={siteName} data={data} mode={mode} session={session} />
      )}
      <main
        className="stage"
        onPointerMove={(e) => selectionStore.movePointer(e.clientX, e.clientY)}
        onPointerLeave={() => selectionStore.setHover(null)}
      >
        {data ? (
          <>
            <div
              className={`scene-box${
                (mode === 'incident' && scene.focusAlertId !== null) ||
                (mode === 'condition' && selection.selected)
                  ? ' scene-box--panel'
                  : ''
              }`}
            >
              <SiteScene data={data} />
              {scene.companyLabels && <CompanyLabels companies={data.meta.companies} />}
              <IncidentLabels large={wall} />
            </div>
            {mode === 'incident' && <IncidentView data={data} />}
            {mode === 'condition' && (
              <>
                <ConditionView data={data} />
                <Tooltip data={data} />
                <DetailPanel data={data} />
              </>
            )}
          </>
        ) : (
          <p className="stage__message" data-testid="network-state">
            {network.status === 'error'
              ? `The network could not be loaded (${network.message}); trying again …`
              : 'Loading the network …'}
          </p>
        )}
        {mode === null && session.status !== 'loading' && <ModeChooser />}
        {wall && session.status !== 'loading' && canSwitchModes(session) && <WallModeSwitch />}
        {!wall && <StaleBanner />}
      </main>
      {wall && <WallCaptionSlot director={director} data={data} />}
    </div>
  );
}
