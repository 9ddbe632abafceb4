import { describe, expect, it } from 'vitest';
import { csvSegmentIds, splitCsvLine } from './condition-store';

describe('reading the condition export', () => {
  it('splits quoted fields with commas and doubled quotes', () => {
    expect(splitCsvLine('a,"b,c",,"say ""hi"""')).toEqual(['a', 'b,c', '', 'say "hi"']);
  });

  it('takes the segment ids of every data line', () => {
    const csv = 'segment_id,line_tag,flags\ns-1,L-1,"ffs_required,never_inspected"\ns-2,L-1,\n';
    expect(csvSegmentIds(csv)).toEqual(['s-1', 's-2']);
  });
});
