/**
 * Splits the byte stream from the broker into MQTT packets (fixed header, remaining length,
 * body) without copying: a packet that lies within one socket chunk is handed on as a view of
 * that chunk. PUBLISH, nearly all of ingest's traffic, is decoded here directly; other packets
 * go to mqtt-packet's parser whole. (MQTT 3.1.1 sections 2.2 and 3.3; MQTT 5 sections 2.1.4,
 * 3.3.)
 */

export interface PublishView {
  topic: string;
  payload: Buffer;
  qos: 0 | 1 | 2;
  dup: boolean;
  retain: boolean;
  messageId: number | undefined;
  /** Set by the session: the connection the message came on. */
  epoch: number;
}

export class MalformedPacketError extends Error {}

export class PacketFramer {
  private rest: Buffer | null = null;

  constructor(
    private readonly protocol: 4 | 5,
    private readonly onPublish: (p: PublishView) => void,
    private readonly onOther: (whole: Buffer) => void,
  ) {}

  /** Feeds one chunk; calls back for every complete packet in it. Throws on a malformed one. */
  push(chunk: Buffer): void {
    const data = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
    this.rest = null;
    let off = 0;
    for (;;) {
      if (data.length - off < 2) break;
      let len = 0;
      let mult = 1;
      let i = off + 1;
      let complete = false;
      for (let k = 0; k < 4 && i < data.length; k++) {
        const byte = data[i++]!;
        len += (byte & 0x7f) * mult;
        mult *= 128;
        if ((byte & 0x80) === 0) {
          complete = true;
          break;
        }
      }
      if (!complete) {
        if (i - off - 1 >= 4) throw new MalformedPacketError('remaining length over 4 bytes');
        break;
      }
      if (data.length - i < len) break;
      const header = data[off]!;
      if (header >> 4 === 3) this.publish(header & 0x0f, data.subarray(i, i + len));
      else this.onOther(data.subarray(off, i + len));
      off = i + len;
    }
    if (off < data.length) this.rest = data.subarray(off);
  }

  private publish(flags: number, body: Buffer): void {
    const bits = (flags >> 1) & 3;
    if (bits === 3 || body.length < 2) throw new MalformedPacketError('bad PUBLISH header');
    const qos = bits as 0 | 1 | 2;
    const topicLen = body.readUInt16BE(0);
    let o = 2 + topicLen;
    if (o > body.length) throw new MalformedPacketError('PUBLISH topic beyond packet');
    const topic = body.toString('utf8', 2, o);
    let messageId: number | undefined;
    if (qos > 0) {
      if (o + 2 > body.length) throw new MalformedPacketError('PUBLISH without packet id');
      messageId = body.readUInt16BE(o);
      o += 2;
    }
    if (this.protocol === 5) {
      // property length (variable byte integer), then the properties, which ingest does not use
      let plen = 0;
      let mult = 1;
      for (let k = 0; k < 4; k++) {
        if (o >= body.length) throw new MalformedPacketError('PUBLISH properties beyond packet');
        const byte = body[o++]!;
        plen += (byte & 0x7f) * mult;
        mult *= 128;
        if ((byte & 0x80) === 0) break;
      }
      o += plen;
      if (o > body.length) throw new MalformedPacketError('PUBLISH properties beyond packet');
    }
    this.onPublish({
      topic,
      payload: body.subarray(o),
      qos,
      dup: (flags & 0x08) !== 0,
      retain: (flags & 0x01) !== 0,
      messageId,
      epoch: 0,
    });
  }
}
