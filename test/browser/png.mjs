// A tiny PNG reader (node:zlib only), enough for the screenshots the tests take: 8-bit greyscale,
// RGB, grey+alpha or RGBA, not interlaced. Used to tell a real screenshot from a blank one.
import zlib from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const CHANNELS = { 0: 1, 2: 3, 4: 2, 6: 4 };

/** Decodes a PNG: { width, height, channels, pixels } (pixels: rows of width * channels bytes). */
export function decodePng(buf) {
  if (!buf.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG');
  let header;
  const idat = [];
  for (let at = 8; at < buf.length;) {
    const len = buf.readUInt32BE(at);
    const type = buf.toString('latin1', at + 4, at + 8);
    const data = buf.subarray(at + 8, at + 8 + len);
    if (type === 'IHDR') {
      header = { width: data.readUInt32BE(0), height: data.readUInt32BE(4), depth: data[8], color: data[9], interlace: data[12] };
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    at += 12 + len; // length, type, data, CRC
  }
  if (!header) throw new Error('PNG without IHDR');
  const channels = CHANNELS[header.color];
  if (header.depth !== 8 || !channels || header.interlace) {
    throw new Error(`unsupported PNG (bit depth ${header.depth}, colour type ${header.color}, interlace ${header.interlace})`);
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const { width, height } = header;
  const stride = width * channels;
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) unfilter(raw, y, stride, channels, pixels);
  return { width, height, channels, pixels };
}

/** Undoes one scanline's filter (PNG spec §9) into `out`, using the row above already undone. */
function unfilter(raw, y, stride, bpp, out) {
  const filter = raw[y * (stride + 1)];
  const src = y * (stride + 1) + 1;
  const dst = y * stride;
  for (let x = 0; x < stride; x++) {
    const a = x >= bpp ? out[dst + x - bpp] : 0;
    const b = y ? out[dst - stride + x] : 0;
    const c = x >= bpp && y ? out[dst - stride + x - bpp] : 0;
    let p;
    switch (filter) {
      case 0: p = 0; break;
      case 1: p = a; break;
      case 2: p = b; break;
      case 3: p = (a + b) >> 1; break;
      case 4: {
        const pa = Math.abs(b - c);
        const pb = Math.abs(a - c);
        const pc = Math.abs(a + b - 2 * c);
        p = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
        break;
      }
      default: throw new Error(`bad PNG filter ${filter} on row ${y}`);
    }
    out[dst + x] = (raw[src + x] + p) & 0xff;
  }
}

/**
 * What a PNG shows: { width, height, colours (distinct, counted up to 4096), inked (share of pixels
 * that differ from the top-left one, the background of a page) }.
 */
export function pngContent(buf) {
  const { width, height, channels, pixels } = decodePng(buf);
  const bg = pixels.subarray(0, channels);
  const seen = new Set();
  let inked = 0;
  for (let i = 0; i < pixels.length; i += channels) {
    const px = pixels.subarray(i, i + channels);
    if (!px.equals(bg)) inked++;
    if (seen.size < 4096) seen.add(px.toString('latin1'));
  }
  return { width, height, colours: seen.size, inked: inked / (width * height) };
}
