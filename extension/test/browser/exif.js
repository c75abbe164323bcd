// Builds an EXIF APP1 segment (GPS position, time taken, camera serial) and
// puts it into a JPEG right after SOI, as a phone camera would: browsers'
// canvas encoders write no metadata, so the tests add their own.

const TYPES = { ascii: 2, short: 3, long: 4, rational: 5 };

/** One IFD at `at` (offset in the TIFF): [{tag, type, values}] -> bytes (entries, next = 0, then data). */
function ifd(entries, at) {
  entries = [...entries].sort((a, b) => a.tag - b.tag);
  const head = 2 + entries.length * 12 + 4;
  const out = Buffer.alloc(head);
  const data = [];
  let dataAt = at + head;
  out.writeUInt16LE(entries.length, 0);
  entries.forEach((e, i) => {
    const o = 2 + i * 12;
    let bytes;
    let count;
    if (e.type === 'ascii') { bytes = Buffer.from(e.values + '\0', 'latin1'); count = bytes.length; }
    else if (e.type === 'rational') { bytes = Buffer.alloc(8 * e.values.length); e.values.forEach(([n, d], j) => { bytes.writeUInt32LE(n, j * 8); bytes.writeUInt32LE(d, j * 8 + 4); }); count = e.values.length; }
    else if (e.type === 'long') { bytes = Buffer.alloc(4); bytes.writeUInt32LE(e.values, 0); count = 1; }
    else { bytes = Buffer.alloc(2); bytes.writeUInt16LE(e.values, 0); count = 1; }
    out.writeUInt16LE(e.tag, o);
    out.writeUInt16LE(TYPES[e.type], o + 2);
    out.writeUInt32LE(count, o + 4);
    if (bytes.length <= 4) bytes.copy(out, o + 8);
    else {
      out.writeUInt32LE(dataAt, o + 8);
      data.push(bytes);
      dataAt += bytes.length + (bytes.length % 2);
      if (bytes.length % 2) data.push(Buffer.alloc(1));
    }
  });
  return Buffer.concat([out, ...data]);
}

const dms = (deg) => {
  const a = Math.abs(deg), d = Math.floor(a), m = Math.floor((a - d) * 60), s = Math.round(((a - d) * 60 - m) * 60 * 100);
  return [[d, 1], [m, 1], [s, 100]];
};

/** @param {{lat?: number, lon?: number, taken?: string, serial?: string}} o */
export function exifSegment(o) {
  // Layout: header (8) | IFD0 | Exif IFD | GPS IFD, each sized before the next is placed.
  const size = (entries) => ifd(entries.map((e) => ({ ...e, values: e.type === 'long' ? 0 : e.values })), 0).length;
  const exifEntries = [];
  if (o.taken) exifEntries.push({ tag: 0x9003, type: 'ascii', values: o.taken });
  if (o.serial) exifEntries.push({ tag: 0xa431, type: 'ascii', values: o.serial });
  const gpsEntries = o.lat === undefined ? [] : [
    { tag: 0x0001, type: 'ascii', values: o.lat >= 0 ? 'N' : 'S' }, { tag: 0x0002, type: 'rational', values: dms(o.lat) },
    { tag: 0x0003, type: 'ascii', values: o.lon >= 0 ? 'E' : 'W' }, { tag: 0x0004, type: 'rational', values: dms(o.lon) }];
  const ifd0Entries = [{ tag: 0x010f, type: 'ascii', values: 'DiscreetTestCam' }];
  if (exifEntries.length) ifd0Entries.push({ tag: 0x8769, type: 'long', values: 0 });
  if (gpsEntries.length) ifd0Entries.push({ tag: 0x8825, type: 'long', values: 0 });
  const exifAt = 8 + size(ifd0Entries);
  const gpsAt = exifAt + (exifEntries.length ? size(exifEntries) : 0);
  for (const e of ifd0Entries) { if (e.tag === 0x8769) e.values = exifAt; if (e.tag === 0x8825) e.values = gpsAt; }
  const header = Buffer.from([0x49, 0x49, 0x2a, 0x00, 0x08, 0x00, 0x00, 0x00]);
  const tiff = Buffer.concat([header, ifd(ifd0Entries, 8), ...(exifEntries.length ? [ifd(exifEntries, exifAt)] : []), ...(gpsEntries.length ? [ifd(gpsEntries, gpsAt)] : [])]);
  const body = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const seg = Buffer.alloc(4);
  seg.writeUInt16BE(0xffe1, 0);
  seg.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([seg, body]);
}

/** The JPEG with the EXIF segment right after SOI. @param {Buffer} jpeg */
export function withExif(jpeg, o) {
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new Error('not a JPEG');
  return Buffer.concat([jpeg.subarray(0, 2), exifSegment(o), jpeg.subarray(2)]);
}
