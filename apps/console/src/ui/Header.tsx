import type { NetworkData } from '../store/network-store';
import { formatInt } from '../format';
import { ConnectionState } from './ConnectionState';
import { LiveCount } from './LiveCount';
import { StatusFigures } from './StatusFigures';

export interface HeaderProps {
  siteName: string | null;
  data: NetworkData | null;
}

/** The strip at the top: what this is, what is drawn, how the data flows. */
export function Header({ siteName, data }: HeaderProps) {
  return (
    <header className="header">
      <div className="brand">
        <span className="brand__name">ComplexTwin</span>
        <span className="brand__site">{siteName ?? 'loading network …'}</span>
      </div>
      <div className="figures">
        <div className="figure">
          <span className="figure__value" data-testid="segment-count">
            {data ? formatInt(data.segmentCount) : '—'}
          </span>
          <span className="figure__label">segments</span>
        </div>
        <div className="figure">
          <span className="figure__value">
            {data ? formatInt(data.meta.sensors.id.length) : '—'}
          </span>
          <span className="figure__label">sensors</span>
        </div>
        <div className="figure">
          <span className="figure__value">
            <LiveCount />
          </span>
          <span className="figure__label">live values</span>
        </div>
        <StatusFigures />
      </div>
      <ConnectionState />
    </header>
  );
}
