// MessagePack (https://github.com/msgpack/msgpack/blob/master/spec.md) for
// the messages between the page and the Go worker: nil, booleans, integers,
// float64, strings, binary, arrays and maps. Typed arrays are sent as binary
// (their raw little-endian bytes), never as arrays of numbers.

const utf8enc = new TextEncoder();
const utf8dec = new TextDecoder("utf-8", { fatal: true });

class Writer {
  constructor() {
    this.buf = new Uint8Array(256);
    this.view = new DataView(this.buf.buffer);
    this.len = 0;
  }
  reserve(n) {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  u8(v) { this.reserve(1); this.buf[this.len++] = v; }
  u16(v) { this.reserve(2); this.view.setUint16(this.len, v); this.len += 2; }
  u32(v) { this.reserve(4); this.view.setUint32(this.len, v); this.len += 4; }
  f64(v) { this.reserve(8); this.view.setFloat64(this.len, v); this.len += 8; }
  i64(v) { this.reserve(8); this.view.setBigInt64(this.len, BigInt(v)); this.len += 8; }
  u64(v) { this.reserve(8); this.view.setBigUint64(this.len, BigInt(v)); this.len += 8; }
  bytes(b) { this.reserve(b.length); this.buf.set(b, this.len); this.len += b.length; }
  // head writes a type byte for a length-prefixed family (str, bin, array, map).
  head(n, fix, fixMax, c8, c16, c32) {
    if (fix !== null && n <= fixMax) this.u8(fix | n);
    else if (c8 !== null && n < 0x100) { this.u8(c8); this.u8(n); }
    else if (n < 0x10000) { this.u8(c16); this.u16(n); }
    else { this.u8(c32); this.u32(n); }
  }
}

function write(w, v) {
  if (v === null || v === undefined) return w.u8(0xc0);
  if (v === false) return w.u8(0xc2);
  if (v === true) return w.u8(0xc3);
  if (typeof v === "number") {
    if (!Number.isInteger(v) || !Number.isSafeInteger(v)) return (w.u8(0xcb), w.f64(v));
    if (v >= 0) {
      if (v < 0x80) return w.u8(v);
      if (v < 0x100) return (w.u8(0xcc), w.u8(v));
      if (v < 0x10000) return (w.u8(0xcd), w.u16(v));
      if (v < 0x100000000) return (w.u8(0xce), w.u32(v));
      return (w.u8(0xcf), w.u64(v));
    }
    if (v >= -32) return w.u8(v & 0xff);
    return (w.u8(0xd3), w.i64(v));
  }
  if (typeof v === "bigint") return (w.u8(0xd3), w.i64(v));
  if (typeof v === "string") {
    const b = utf8enc.encode(v);
    w.head(b.length, 0xa0, 31, 0xd9, 0xda, 0xdb);
    return w.bytes(b);
  }
  if (ArrayBuffer.isView(v)) {
    const b = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    w.head(b.length, null, 0, 0xc4, 0xc5, 0xc6);
    return w.bytes(b);
  }
  if (v instanceof ArrayBuffer) return write(w, new Uint8Array(v));
  if (Array.isArray(v)) {
    w.head(v.length, 0x90, 15, null, 0xdc, 0xdd);
    for (const x of v) write(w, x);
    return;
  }
  if (typeof v === "object") {
    const keys = Object.keys(v).filter((k) => v[k] !== undefined);
    w.head(keys.length, 0x80, 15, null, 0xde, 0xdf);
    for (const k of keys) { write(w, k); write(w, v[k]); }
    return;
  }
  throw new TypeError(`msgpack: cannot encode a ${typeof v}`);
}

/** encode returns the MessagePack bytes of v. */
export function encode(v) {
  const w = new Writer();
  write(w, v);
  return w.buf.slice(0, w.len);
}

class Reader {
  constructor(bytes) {
    this.b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    this.v = new DataView(this.b.buffer, this.b.byteOffset, this.b.byteLength);
    this.pos = 0;
    this.depth = 0;
  }
  need(n) {
    if (this.pos + n > this.b.length) throw new Error(`msgpack: truncated at byte ${this.pos} (need ${n} more)`);
  }
  u8() { this.need(1); return this.b[this.pos++]; }
  u16() { this.need(2); const x = this.v.getUint16(this.pos); this.pos += 2; return x; }
  u32() { this.need(4); const x = this.v.getUint32(this.pos); this.pos += 4; return x; }
  num(get, n) { this.need(n); const x = this.v[get](this.pos); this.pos += n; return x; }
  big(get) { const x = this.num(get, 8); return Number.isSafeInteger(Number(x)) ? Number(x) : x; }
  raw(n) { this.need(n); const s = this.b.subarray(this.pos, this.pos + n); this.pos += n; return s; }
  str(n) {
    const at = this.pos;
    const raw = this.raw(n);
    try { return utf8dec.decode(raw); } catch { throw new Error(`msgpack: the string at byte ${at} is not valid UTF-8`); }
  }
  // Binary is copied so the result does not pin (or alias) the message buffer.
  bin(n) { return this.raw(n).slice(); }
  arr(n) {
    const out = [];
    for (let i = 0; i < n; i++) out.push(this.any());
    return out;
  }
  map(n) {
    const out = {};
    for (let i = 0; i < n; i++) {
      const k = this.any();
      if (typeof k !== "string" && typeof k !== "number") throw new Error("msgpack: map key is not a string or number");
      // An own property even for "__proto__", which plain assignment
      // would turn into the object's prototype.
      Object.defineProperty(out, k, { value: this.any(), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  any() {
    if (++this.depth > 64) throw new Error("msgpack: nesting deeper than 64");
    try { return this.value(this.u8()); } finally { this.depth--; }
  }
  value(t) {
    if (t < 0x80) return t;
    if (t >= 0xe0) return t - 0x100;
    if ((t & 0xe0) === 0xa0) return this.str(t & 0x1f);
    if ((t & 0xf0) === 0x90) return this.arr(t & 0x0f);
    if ((t & 0xf0) === 0x80) return this.map(t & 0x0f);
    switch (t) {
      case 0xc0: return null;
      case 0xc2: return false;
      case 0xc3: return true;
      case 0xc4: return this.bin(this.u8());
      case 0xc5: return this.bin(this.u16());
      case 0xc6: return this.bin(this.u32());
      case 0xca: return this.num("getFloat32", 4);
      case 0xcb: return this.num("getFloat64", 8);
      case 0xcc: return this.u8();
      case 0xcd: return this.u16();
      case 0xce: return this.u32();
      case 0xcf: return this.big("getBigUint64");
      case 0xd0: return this.num("getInt8", 1);
      case 0xd1: return this.num("getInt16", 2);
      case 0xd2: return this.num("getInt32", 4);
      case 0xd3: return this.big("getBigInt64");
      case 0xd9: return this.str(this.u8());
      case 0xda: return this.str(this.u16());
      case 0xdb: return this.str(this.u32());
      case 0xdc: return this.arr(this.u16());
      case 0xdd: return this.arr(this.u32());
      case 0xde: return this.map(this.u16());
      case 0xdf: return this.map(this.u32());
    }
    throw new Error(`msgpack: unsupported type byte 0x${t.toString(16)} at byte ${this.pos - 1}`);
  }
}

/** decode returns the value in the MessagePack bytes, which must hold exactly one. */
export function decode(bytes) {
  const r = new Reader(bytes);
  const v = r.any();
  if (r.pos !== r.b.length) throw new Error(`msgpack: ${r.b.length - r.pos} trailing bytes`);
  return v;
}
