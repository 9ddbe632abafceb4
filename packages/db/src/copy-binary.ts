/**
 * Encoder for PostgreSQL's binary COPY format, for `readings (time, sensor_id, value, quality)`.
 * Binary COPY spares the server from parsing text timestamps, the costliest part of a text COPY.
 * Format: PostgreSQL docs, "COPY: Binary Format".
 */

const SIGNATURE = [0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00];
const HEADER_BYTES = SIGNATURE.length + 8;
// field count (2) + 4 length words (16) + int64 time + int32 sensor + float8 value + int2 quality
const ROW_BYTES = 2 + 16 + 8 + 4 + 8 + 2;
const TRAILER_BYTES = 2;
/** Milliseconds from the Unix epoch to PostgreSQL's epoch, 2000-01-01T00:00:00Z. */
const PG_EPOCH_MS = 946_684_800_000;
const TWO_32 = 4_294_967_296;

/** Columnar readings ready for storage. `time` is epoch ms (fractions kept to the microsecond). */
export interface ReadingColumns {
  time: Float64Array;
  sensorId: Int32Array;
  value: Float64Array;
  quality: Uint8Array;
  length: number;
}

/** Allocates columns for up to `capacity` readings. */
export function allocReadingColumns(capacity: number): ReadingColumns {
  return {
    time: new Float64Array(capacity),
    sensorId: new Int32Array(capacity),
    value: new Float64Array(capacity),
    quality: new Uint8Array(capacity),
    length: 0,
  };
}

/** Encodes rows [start, end) of `cols` as one complete binary COPY stream. */
export function encodeReadingsCopy(cols: ReadingColumns, start = 0, end = cols.length): Buffer {
  const n = end - start;
  const buf = Buffer.allocUnsafe(HEADER_BYTES + n * ROW_BYTES + TRAILER_BYTES);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let o = 0;
  for (const b of SIGNATURE) buf[o++] = b;
  view.setInt32(o, 0);
  view.setInt32(o + 4, 0);
  o += 8;
  for (let i = start; i < end; i++) {
    view.setInt16(o, 4);
    view.setInt32(o + 2, 8);
    const us = Math.round((cols.time[i]! - PG_EPOCH_MS) * 1000);
    const hi = Math.floor(us / TWO_32);
    view.setInt32(o + 6, hi);
    view.setUint32(o + 10, us - hi * TWO_32);
    view.setInt32(o + 14, 4);
    view.setInt32(o + 18, cols.sensorId[i]!);
    view.setInt32(o + 22, 8);
    view.setFloat64(o + 26, cols.value[i]!);
    view.setInt32(o + 34, 2);
    view.setInt16(o + 38, cols.quality[i]!);
    o += ROW_BYTES;
  }
  view.setInt16(o, -1);
  return buf;
}
