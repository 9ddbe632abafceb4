import { useEffect } from 'react';
import { useNetwork } from './store/hooks';
import { startLiveClient } from './store/live-client';
import { networkStore } from './store/network-store';
import { selectionStore } from './store/selection-store';
import { SiteScene } from './scene/SiteScene';
import { CompanyLabels } from './ui/CompanyLabels';
import { DetailPanel } from './ui/DetailPanel';
import { Header } from './ui/Header';
import { Legend } from './ui/Legend';
import { StaleBanner } from './ui/StaleBanner';
import { Tooltip } from './ui/Tooltip';

export type AppProps = Record<string, never>;

/** The 3D console: header, the site with its network, legend, tooltip and detail panel. */
export function App() {
  const network = useNetwork();

  useEffect(() => {
    networkStore.load();
    return startLiveClient();
  }, []);

  const data = network.status === 'ready' ? network.data : null;
  return (
    <div className="app">
      <Header siteName={data?.meta.site.name ?? null} data={data} />
      <main
        className="stage"
        onPointerMove={(e) => selectionStore.movePointer(e.clientX, e.clientY)}
        onPointerLeave={() => selectionStore.setHover(null)}
      >
        {data ? (
          <>
            <SiteScene data={data} />
            <CompanyLabels companies={data.meta.companies} />
            <Legend />
            <Tooltip data={data} />
            <DetailPanel data={data} />
          </>
        ) : (
          <p className="stage__message" data-testid="network-state">
            {network.status === 'error'
              ? `The network could not be loaded (${network.message}); trying again …`
              : 'Loading the network …'}
          </p>
        )}
        <StaleBanner />
      </main>
    </div>
  );
}
