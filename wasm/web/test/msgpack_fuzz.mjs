// Fuzzes the page's MessagePack decoder (msgpack.js) in Node: seeded
// mutations of valid messages, plus the messages that once broke the
// worker. Every input must decode or throw an Error whose message starts
// with "msgpack:"; anything else (a RangeError from deep recursion, a
// TypeError, a hang) is a failure. Prints one JSON line:
// {"runs", "decoded", "refused", "seconds", "failure"}.
//
//   node wasm/web/test/msgpack_fuzz.mjs [seconds] [seed]
import { encode, decode } from "../msgpack.js";

const seconds = Number(process.argv[2] || 3);
let state = BigInt(process.argv[3] || 1) | 1n;
const rand = (n) => { // xorshift64*: the same inputs for the same seed
  state ^= state >> 12n; state ^= (state << 25n) & 0xffffffffffffffffn; state ^= state >> 27n;
  return Number(((state * 0x2545f4914f6cdd1dn) & 0xffffffffffffffffn) >> 11n) % n;
};

const deep = new Uint8Array(10001).fill(0x91); deep[10000] = 0xc0;
const seeds = [
  encode({ type: "search", id: 3, fragment: "v=2&dataset=digits8", paused: false }),
  encode({ type: "progress", id: 1, step: 7, probs: [[0.25, 0.75], [1, 0]], path: ["k3_e1", "skip"], loss: -1.5e-3 }),
  encode([null, true, false, 127, -32, 255, 65535, 4294967295, -129, "é", new Uint8Array([1, 2, 3]), 2 ** 40]),
  Uint8Array.from("\x82\xa4typ3\f\xc6\x8c\xbb0b\f0\xa4e00\xa400000", (c) => c.charCodeAt(0)),
  Uint8Array.of(0xdb, 0xff, 0xff, 0xff, 0xff, 0x61), // a 4 GB string header
  Uint8Array.of(0xdd, 0x3b, 0x9a, 0xca, 0x00, 0xc0), // an array of a billion
  Uint8Array.of(0x81, 0xa9, ...new TextEncoder().encode("__proto__"), 0x81, 0xa1, 0x78, 0x01),
  deep,
];

function mutate(b) {
  const out = Array.from(b);
  for (let k = 1 + rand(4); k > 0; k--) {
    const i = rand(out.length + 1);
    switch (rand(4)) {
      case 0: if (out.length) out[i % out.length] = rand(256); break;
      case 1: out.splice(i, 0, rand(256)); break;
      case 2: out.splice(i, 1 + rand(8)); break;
      case 3: out.splice(i, 0, ...out.slice(rand(out.length + 1), rand(out.length + 1))); break;
    }
  }
  return Uint8Array.from(out.slice(0, 1 << 16));
}

const report = { runs: 0, decoded: 0, refused: 0, seconds: 0, failure: null };
const t0 = Date.now();
const check = (input) => {
  report.runs++;
  try {
    const v = decode(input);
    report.decoded++;
    if (v && typeof v === "object" && Object.getPrototypeOf(v) !== Object.prototype && !Array.isArray(v) && !(v instanceof Uint8Array)) {
      throw new Error("a decoded map has another prototype");
    }
  } catch (err) {
    if (err instanceof Error && err.message.startsWith("msgpack:")) { report.refused++; return; }
    report.failure = { input: Buffer.from(input).toString("hex").slice(0, 400), error: String(err) };
  }
};
for (const s of seeds) check(s);
while (!report.failure && Date.now() - t0 < seconds * 1000) {
  check(mutate(seeds[rand(seeds.length)]));
}
report.seconds = (Date.now() - t0) / 1000;
console.log(JSON.stringify(report));
