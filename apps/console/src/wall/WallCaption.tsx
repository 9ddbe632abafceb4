import { useEffect, useRef } from 'react';
import type { Alert } from '@ct/contracts';
import { leakOf } from '../store/alert-store';
import type { NetworkData } from '../store/network-store';
import { PRIORITY, STATE_WORDS, duration, flashing, kindLabel } from '../alert-style';
import { formatValue } from '../format';
import { equipmentIndex } from '../scene/incident-geometry';

export interface WallCaptionProps {
  alert: Alert;
  data: NetworkData;
}

/**
 * The large caption of the incident on the wall: what, how much, whose, for how long. The
 * priority is told three ways: the alarm colour, its shape and its word.
 */
export function WallCaption({ alert: a, data }: WallCaptionProps) {
  const leak = leakOf(a);
  const p = PRIORITY[a.severity];
  const since = leak ? leak.onset_t : a.raised_at;
  const company = leak
    ? leak.company_name
    : (data.meta.companies.find((c) => c.id === a.company_id)?.name ?? a.company_id);
  let headline: string;
  let facts: string;
  let where: string;
  if (leak) {
    headline = `LEAK · ${leak.substance_name}`;
    facts = `${formatValue(leak.rate.m3h)} m³/h · ${formatValue(leak.rate.kg_s)} kg/s · ${company}`;
    where = `${leak.line_tag} at ${Math.round(leak.position.line_position_m).toLocaleString('en-GB')} m ± ${Math.round(leak.position.uncertainty_m)} m`;
  } else {
    const e = equipmentIndex(data).get(a.source_id);
    const tag = e === undefined ? a.source_id : data.meta.equipment.tag[e];
    // the tag first: it is what the operator reads out; the kind without "equipment"
    headline = `${tag} · ${kindLabel(a.kind)
      .replace(/^Equipment /i, '')
      .toUpperCase()}`;
    facts = company;
    where = a.title;
  }
  return (
    <section
      className={`wall-caption${flashing(a) ? ' wall-caption--flash' : ''}`}
      style={{ borderColor: p.hex }}
      data-testid="wall-caption"
      aria-live="assertive"
    >
      <div className="wall-caption__priority" style={{ background: p.hex }}>
        <span aria-hidden="true">{p.shape}</span> {p.word}
      </div>
      <h1 className="wall-caption__headline" data-testid="wall-caption-headline">
        {headline}
      </h1>
      <p className="wall-caption__line">{facts}</p>
      <p className="wall-caption__line">
        <Since t={since} what={leak ? 'onset' : 'raised'} /> ·{' '}
        {STATE_WORDS[a.isa_state] ?? a.isa_state}
      </p>
      <p className="wall-caption__line wall-caption__line--where">{where}</p>
    </section>
  );
}

/** "12 min 04 s since onset", rewritten every second without a React render. */
function Since({ t, what }: { t: number; what: string }) {
  const ref = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    const tick = () => {
      if (ref.current) ref.current.textContent = `${duration(Date.now() - t)} since ${what}`;
    };
    tick();
    const timer = setInterval(tick, 1000);
    return () => clearInterval(timer);
  }, [t, what]);
  return <span ref={ref} data-testid="wall-caption-since" />;
}
