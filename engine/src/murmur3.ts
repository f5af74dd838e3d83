/** MurmurHash3 x86 32-bit (Austin Appleby's reference), over bytes or over a string's UTF-8 encoding. */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

function mixK(k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, C2);
}

/** Hash of `bytes` as an unsigned 32-bit integer. */
export function murmur3(bytes: ArrayLike<number>, seed = 0): number {
  const length = bytes.length;
  const blockEnd = length & ~3;
  let h = seed | 0;
  for (let i = 0; i < blockEnd; i += 4) {
    const k = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    h ^= mixK(k);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let tail = 0;
  switch (length & 3) {
    case 3:
      tail ^= bytes[blockEnd + 2] << 16;
    // falls through
    case 2:
      tail ^= bytes[blockEnd + 1] << 8;
    // falls through
    case 1:
      tail ^= bytes[blockEnd];
      h ^= mixK(tail);
  }
  return finalMix(h, length);
}

/** MurmurHash3's finalization: mixes in the length and avalanches the bits, as an unsigned 32-bit value. */
function finalMix(hash: number, length: number): number {
  let h = hash ^ length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * UTF-8 bytes of a string, as Go (and TextEncoder) produce them: a lone surrogate becomes U+FFFD.
 * Written out so the engine needs no platform API.
 */
export function utf8Bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 3);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code < 0x80) {
      out[n++] = code;
      continue;
    }
    if (code < 0x800) {
      out[n++] = 0xc0 | (code >> 6);
      out[n++] = 0x80 | (code & 0x3f);
      continue;
    }
    if (code >= 0xd800 && code <= 0xdfff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
        i++;
        out[n++] = 0xf0 | (code >> 18);
        out[n++] = 0x80 | ((code >> 12) & 0x3f);
        out[n++] = 0x80 | ((code >> 6) & 0x3f);
        out[n++] = 0x80 | (code & 0x3f);
        continue;
      }
      code = 0xfffd;
    }
    out[n++] = 0xe0 | (code >> 12);
    out[n++] = 0x80 | ((code >> 6) & 0x3f);
    out[n++] = 0x80 | (code & 0x3f);
  }
  return out.subarray(0, n);
}

/**
 * MurmurHash3 x86_32 of the UTF-8 encoding of `text`. ASCII strings (the usual bucketing keys) are hashed
 * straight from their char codes with no allocation; anything else is encoded first.
 */
export function murmur3String(text: string, seed = 0): number {
  const length = text.length;
  const blockEnd = length & ~3;
  let h = seed | 0;
  for (let i = 0; i < blockEnd; i += 4) {
    const c0 = text.charCodeAt(i);
    const c1 = text.charCodeAt(i + 1);
    const c2 = text.charCodeAt(i + 2);
    const c3 = text.charCodeAt(i + 3);
    if ((c0 | c1 | c2 | c3) > 0x7f) return murmur3(utf8Bytes(text), seed);
    h ^= mixK(c0 | (c1 << 8) | (c2 << 16) | (c3 << 24));
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let tail = 0;
  for (let i = length - 1; i >= blockEnd; i--) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) return murmur3(utf8Bytes(text), seed);
    tail = (tail << 8) | c;
  }
  if (length & 3) h ^= mixK(tail);
  return finalMix(h, length);
}

/**
 * murmur3String(parts.join('')) without building the joined string: hashing a freshly concatenated
 * string first flattens it, which costs more than the hash. Used for `{"cat": [prefix, {"var": ...}]}`
 * bucketing values; non-ASCII input falls back to the joined string.
 */
export function murmur3Joined(parts: readonly string[], seed = 0): number {
  let h = seed | 0;
  let k = 0; // pending bytes, little-endian
  let pending = 0;
  let length = 0;
  for (let p = 0; p < parts.length; p++) {
    const text = parts[p];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c > 0x7f) return murmur3String(parts.join(''), seed);
      k |= c << (pending << 3);
      if (++pending === 4) {
        h ^= mixK(k);
        h = (h << 13) | (h >>> 19);
        h = (Math.imul(h, 5) + 0xe6546b64) | 0;
        k = 0;
        pending = 0;
      }
    }
    length += text.length;
  }
  if (pending > 0) h ^= mixK(k);
  return finalMix(h, length);
}
