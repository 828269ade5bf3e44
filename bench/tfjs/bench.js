#!/usr/bin/env node
'use strict';
// TensorFlow.js baseline for the DIAN Explorer reference CNN.
//
// Trains (and runs forward) the same network as BenchmarkReferenceCNN* in
// core/nn/bench_test.go on the TF.js cpu and wasm backends, single-threaded,
// and reports images per second. See README.md for the network and protocol.
//
//   node bench.js                          all configs
//   node bench.js --configs wasm --repeats 3
//   node bench.js --steps 10 --json out.json
//
// The parent process only schedules: every config runs in a fresh child
// process (`--child NAME`) so that backends, heaps and JIT state never mix.

const os = require('os');
const { spawnSync } = require('child_process');

// name -> how the child sets up TF.js
const CONFIGS = {
  cpu: { backend: 'cpu' }, // tfjs-backend-cpu: kernels in plain JS
  wasm: { backend: 'wasm' }, // SIMD as detected (Node 20: yes): tfjs-backend-wasm-simd.wasm
  'wasm-nosimd': { backend: 'wasm', simd: false }, // SIMD forced off: tfjs-backend-wasm.wasm
};

const OPTS = { steps: 50, warmup: 5, repeats: 3 };
const BATCH = 32;
const LR = 0.05;
const DATA_SEED = 42; // inputs; labels use DATA_SEED + 1
const INIT_SEED = 1000; // weighted layer k (1..6) is initialised with INIT_SEED + k
const POOL = 4; // distinct batches, cycled
const MARK = '@@result '; // prefix of the child's result line on stdout

const now = () => Number(process.hrtime.bigint()) / 1e6; // ms
const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function parseArgs(argv) {
  const a = { configs: Object.keys(CONFIGS), json: null, child: null, ...OPTS };
  const int = (s, flag) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 1) die(`bad value for ${flag}: ${s}`); // the first step is warm-up, always
    return n;
  };
  for (let i = 2; i < argv.length; i++) {
    const flag = argv[i];
    const val = argv[i + 1];
    if (flag === '-h' || flag === '--help') {
      console.log(`usage: node bench.js [--configs ${Object.keys(CONFIGS).join(',')}] ` +
        '[--steps 50] [--warmup 5] [--repeats 3] [--json FILE]');
      process.exit(0);
    }
    if (val === undefined) die(`missing value for ${flag}`);
    i++;
    if (flag === '--configs') a.configs = val.split(',').filter(Boolean);
    else if (flag === '--json') a.json = val;
    else if (flag === '--child') a.child = val;
    else if (flag === '--steps' || flag === '--warmup' || flag === '--repeats') a[flag.slice(2)] = int(val, flag);
    else die(`unknown flag ${flag}`);
  }
  for (const c of a.configs) if (!CONFIGS[c]) die(`unknown config ${c}`);
  return a;
}

function die(msg) {
  console.error(msg);
  process.exit(2);
}

// ---------------------------------------------------------------------------
// Missing wasm gradient kernels
// ---------------------------------------------------------------------------
//
// tfjs-backend-wasm 4.22.0 registers no Conv2DBackpropFilter,
// DepthwiseConv2dNativeBackpropFilter or DepthwiseConv2dNativeBackpropInput
// kernel, so minimize() on a conv net fails on 'wasm'. We register our own,
// composed of kernels the wasm backend does have (Conv2D,
// DepthwiseConv2dNative, BatchMatMul, Transpose, PadV2, StridedSlice, Concat,
// Sum, Reshape) and called directly on the backend, so the activations never
// leave the wasm heap; only filter-sized tensors are rearranged in JS.
//
// The common idea is to split the padded input into stride "phases": with
// stride s, padded row r = q*s + p lands in phase p at row q, so the rows
// read by filter tap i (oh*s + i, oh = 0..Ho-1) are the contiguous rows
// floor(i/s) .. floor(i/s)+Ho-1 of phase i mod s (columns likewise). Every
// strided access becomes a stride-1 one, and each gradient becomes a plain
// stride-1 convolution per phase.

function installWasmGradKernels(tf, stats) {
  const kernels = {};
  const k = (name) => kernels[name] || (kernels[name] = tf.getKernel(name, 'wasm').kernelFunc);

  // Run `body(op)` where op(name, inputs, attrs) calls a wasm kernel; every
  // intermediate is freed afterwards except the value body returns.
  function compose(backend, body) {
    const temps = [];
    const op = (name, inputs, attrs = {}) => {
      const out = k(name)({ inputs, attrs, backend });
      temps.push(out);
      return out;
    };
    op.own = (t) => { temps.push(t); return t; }; // free t afterwards too
    const result = body(op);
    for (const t of temps) if (t !== result) backend.disposeData(t.dataId);
    return result;
  }

  // Conv geometry from TF.js itself (same 'same'/'valid'/explicit padding rules).
  function geometry(inShape, filterShape, strides, dilations, pad, rounding, depthwise, dataFormat) {
    if (dataFormat != null && dataFormat !== 'NHWC') throw new Error(`only NHWC is supported, got ${dataFormat}`);
    const c = tf.backend_util.computeConv2DInfo(inShape, filterShape, strides, dilations == null ? 1 : dilations,
      pad, rounding, depthwise);
    if (c.dilationHeight !== 1 || c.dilationWidth !== 1) throw new Error('dilation > 1 is not supported');
    const g = {
      N: c.batchSize, H: c.inHeight, W: c.inWidth, C: c.inChannels, Ho: c.outHeight, Wo: c.outWidth,
      kh: c.filterHeight, kw: c.filterWidth, sh: c.strideHeight, sw: c.strideWidth,
      top: c.padInfo.top, left: c.padInfo.left,
    };
    // Phase grid: Hq rows per phase, enough for the padding and for every tap.
    g.Hq = Math.max(Math.ceil((g.H + c.padInfo.top + c.padInfo.bottom) / g.sh), g.Ho + Math.floor((g.kh - 1) / g.sh));
    g.Wq = Math.max(Math.ceil((g.W + c.padInfo.left + c.padInfo.right) / g.sw), g.Wo + Math.floor((g.kw - 1) / g.sw));
    return g;
  }

  // x [N,H,W,C] -> phases [sh*sw*N, Hq, Wq*C], phase p = ri*sw + rj holding
  // padded rows ri, ri+sh, ... and columns rj, rj+sw, ... Only transposes of
  // rank <= 4: the wasm backend's rank-5 transpose is ~100x slower.
  function toPhases(op, x, g) {
    let t = op('PadV2', { x }, {
      paddings: [[0, 0], [g.top, g.Hq * g.sh - g.H - g.top], [g.left, g.Wq * g.sw - g.W - g.left], [0, 0]],
      constantValue: 0,
    }); // [N, Hq*sh, Wq*sw, C], layout (n, q, ri, wq, rj, c)
    if (g.sw > 1) {
      const r = op('Reshape', { x: t }, { shape: [g.N * g.Hq * g.sh, g.Wq, g.sw, g.C] });
      t = op('Transpose', { x: r }, { perm: [2, 0, 1, 3] }); // (rj, n, q, ri, wq, c)
    }
    if (g.sh > 1) {
      const r = op('Reshape', { x: t }, { shape: [g.sw * g.N * g.Hq, g.sh, g.Wq * g.C] });
      t = op('Transpose', { x: r }, { perm: [1, 0, 2] }); // (ri, rj, n, q, wq, c)
    }
    return op('Reshape', { x: t }, { shape: [g.sh * g.sw * g.N, g.Hq, g.Wq * g.C] });
  }

  // Inverse of toPhases without the padding: [sh*sw*N, Hq, Wq, C] -> [N,H,W,C].
  function fromPhases(op, t, g, outShape) {
    if (g.sh > 1) {
      const r = op('Reshape', { x: t }, { shape: [g.sh, g.sw * g.N * g.Hq, g.Wq * g.C] });
      t = op('Transpose', { x: r }, { perm: [1, 0, 2] }); // (rj, n, q, ri, wq, c)
    }
    if (g.sw > 1) {
      const r = op('Reshape', { x: t }, { shape: [g.sw, g.N * g.Hq * g.sh, g.Wq, g.C] });
      t = op('Transpose', { x: r }, { perm: [1, 2, 0, 3] }); // (n, q, ri, wq, rj, c)
    }
    const Hp = g.Hq * g.sh;
    const Wp = g.Wq * g.sw;
    if (g.top === 0 && g.left === 0 && Hp === g.H && Wp === g.W) return op('Reshape', { x: t }, { shape: outShape });
    const flat = op('Reshape', { x: t }, { shape: [g.N, Hp, Wp * g.C] });
    const crop = box(op, flat, [0, g.top, g.left * g.C], [g.N, g.H, g.W * g.C]);
    return op('Reshape', { x: crop }, { shape: outShape });
  }

  // A sub-block of a rank-3 tensor. StridedSlice (with stride 1) rather than
  // Slice: the wasm Slice kernel first copies its whole input out of the
  // heap, StridedSlice copies in C++ only what it returns.
  const box = (op, x, begin, size) => op('StridedSlice', { x }, {
    begin, end: begin.map((b, i) => b + size[i]), strides: begin.map(() => 1),
    beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0,
  });

  // Tiny tensors (filters, filter gradients) are rearranged in JS.
  const read = (backend, t) => backend.readSync(t.dataId);
  function write(backend, shape, values) {
    const out = backend.makeOutput(shape, 'float32');
    backend.typedArrayFromHeap(out).set(values);
    return out;
  }

  // Tap (i, j) of the filter: its phase and its row/column offset in it.
  const tap = (g, i, j) => ({ p: (i % g.sh) * g.sw + (j % g.sw), qi: Math.floor(i / g.sh), qj: Math.floor(j / g.sw) });

  // Filter gradients. For phase p and offset (qi, qj) the gradient is the sum
  // over n, oh, ow of phase_p[n, oh+qi, ow+qj, .] * dy[n, oh, ow, .]: a
  // stride-1 'valid' correlation of each phase with dy, i.e. one conv kernel
  // call once the batch is moved into the channels (images: the phases,
  // filter: dy). It yields every (p, qi, qj); the kh*kw real taps are then
  // picked out in JS (a few hundred numbers).

  // Regular conv: images [P*Cin, Hq, Wq, N], filter [Ho, Wo, N, Cout]:
  // Conv2D gives [P*Cin, Dh, Dw, Cout].
  function conv2dBackpropFilter({ inputs, attrs, backend }) {
    const { x, dy } = inputs;
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
    const g = geometry(x.shape, filterShape, strides, 1, pad, dimRoundingMode, false, dataFormat);
    const [, , Ci, Co] = filterShape;
    const M = g.N * g.Ho * g.Wo;
    if (g.kh === 1 && g.kw === 1 && g.sh === 1 && g.sw === 1 && g.Ho === g.H && g.Wo === g.W) {
      // 1x1 conv: dW = x^T dy as [Cin, M] x [M, Cout]. An explicit transpose
      // and a plain matmul beat a transposeA matmul ~4x in tfjs-wasm.
      return compose(backend, (op) => {
        const xt = op('Transpose', { x: op('Reshape', { x }, { shape: [M, Ci] }) }, { perm: [1, 0] });
        const d = op('Reshape', { x: dy }, { shape: [M, Co] });
        const prod = op('BatchMatMul', { a: xt, b: d }, { transposeA: false, transposeB: false });
        return op('Reshape', { x: prod }, { shape: filterShape });
      });
    }
    const corr = compose(backend, (op) => {
      const xt = op('Transpose', { x }, { perm: [3, 1, 2, 0] }); // [Cin, H, W, N]
      const ph = toPhases(op, xt, { ...g, N: Ci, C: g.N });
      const img = op('Reshape', { x: ph }, { shape: [g.sh * g.sw * Ci, g.Hq, g.Wq, g.N] });
      const f = op('Transpose', { x: dy }, { perm: [1, 2, 0, 3] }); // [Ho, Wo, N, Cout]
      return op('Conv2D', { x: img, filter: f }, { strides: [1, 1], pad: 'valid', dilations: [1, 1], dataFormat: 'NHWC' });
    });
    const Dh = corr.shape[1];
    const Dw = corr.shape[2];
    const v = read(backend, corr);
    backend.disposeData(corr.dataId);
    const out = new Float32Array(g.kh * g.kw * Ci * Co);
    for (let i = 0; i < g.kh; i++) {
      for (let j = 0; j < g.kw; j++) {
        const { p, qi, qj } = tap(g, i, j);
        for (let ci = 0; ci < Ci; ci++) {
          const src = (((p * Ci + ci) * Dh + qi) * Dw + qj) * Co;
          out.set(v.subarray(src, src + Co), ((i * g.kw + j) * Ci + ci) * Co);
        }
      }
    }
    return write(backend, filterShape, out);
  }

  // Depthwise: one image per phase with N*C channels [P, Hq, Wq, N*C], filter
  // dy as [Ho, Wo, N*C, 1]; DepthwiseConv2dNative gives [P, Dh, Dw, N*C],
  // summed over N.
  function depthwiseBackpropFilter({ inputs, attrs, backend }) {
    const { x, dy } = inputs;
    const { strides, dilations, pad, dimRoundingMode, filterShape } = attrs;
    if (filterShape[3] !== 1) throw new Error('depth multiplier > 1 is not supported');
    const g = geometry(x.shape, filterShape, strides, dilations, pad, dimRoundingMode, true);
    const NC = g.N * g.C;
    let Dh;
    let Dw;
    const sums = compose(backend, (op) => {
      const xt = op('Transpose', { x }, { perm: [1, 2, 0, 3] }); // [H, W, N, C]
      const x1 = op('Reshape', { x: xt }, { shape: [1, g.H, g.W, NC] }); // one image, N*C channels
      const ph = toPhases(op, x1, { ...g, N: 1, C: NC });
      const img = op('Reshape', { x: ph }, { shape: [g.sh * g.sw, g.Hq, g.Wq, NC] });
      const ft = op('Transpose', { x: dy }, { perm: [1, 2, 0, 3] }); // [Ho, Wo, N, C]
      const f = op('Reshape', { x: ft }, { shape: [g.Ho, g.Wo, NC, 1] });
      const corr = op('DepthwiseConv2dNative', { x: img, filter: f }, { strides: [1, 1], pad: 'valid', dilations: [1, 1] });
      [, Dh, Dw] = corr.shape;
      const r = op('Reshape', { x: corr }, { shape: [g.sh * g.sw * Dh * Dw, g.N, g.C] });
      return op('Sum', { x: r }, { axis: [1], keepDims: false }); // [P*Dh*Dw, C]
    });
    const v = read(backend, sums);
    backend.disposeData(sums.dataId);
    const out = new Float32Array(g.kh * g.kw * g.C);
    for (let i = 0; i < g.kh; i++) {
      for (let j = 0; j < g.kw; j++) {
        const { p, qi, qj } = tap(g, i, j);
        const src = ((p * Dh + qi) * Dw + qj) * g.C;
        out.set(v.subarray(src, src + g.C), (i * g.kw + j) * g.C);
      }
    }
    return write(backend, filterShape, out);
  }

  // Input gradient. Padded-input pixel (q*sh + ri, w*sw + rj) receives
  // dy[q - a, w - b] * w[a*sh + ri, b*sw + rj] from every a, b, so phase
  // (ri, rj) of the padded dx is a stride-1 depthwise conv of dy (padded by
  // Qh-1 rows on top, Qw-1 columns on the left) with that phase's taps,
  // flipped. One DepthwiseConv2dNative per phase, then undo the phase split.
  function depthwiseBackpropInput({ inputs, attrs, backend }) {
    const { dy, filter } = inputs;
    const { strides, dilations, pad, dimRoundingMode, inputShape } = attrs;
    if (filter.shape[3] !== 1) throw new Error('depth multiplier > 1 is not supported');
    const g = geometry(inputShape, filter.shape, strides, dilations, pad, dimRoundingMode, true);
    const Qh = Math.ceil(g.kh / g.sh);
    const Qw = Math.ceil(g.kw / g.sw);
    // Per-phase flipped filters [Qh, Qw, C, 1] (zero where a tap is missing).
    const wv = read(backend, filter);
    const phaseFilters = [];
    for (let ri = 0; ri < g.sh; ri++) {
      for (let rj = 0; rj < g.sw; rj++) {
        const f = new Float32Array(Qh * Qw * g.C);
        for (let a = 0; a < Qh; a++) {
          for (let b = 0; b < Qw; b++) {
            const i = a * g.sh + ri;
            const j = b * g.sw + rj;
            if (i >= g.kh || j >= g.kw) continue;
            const dst = ((Qh - 1 - a) * Qw + (Qw - 1 - b)) * g.C;
            f.set(wv.subarray((i * g.kw + j) * g.C, (i * g.kw + j + 1) * g.C), dst);
          }
        }
        phaseFilters.push(f);
      }
    }
    return compose(backend, (op) => {
      const dyp = op('PadV2', { x: dy }, {
        paddings: [[0, 0], [Qh - 1, g.Hq - g.Ho], [Qw - 1, g.Wq - g.Wo], [0, 0]], constantValue: 0,
      }); // [N, Hq+Qh-1, Wq+Qw-1, C]
      const phases = phaseFilters.map((f) => op('DepthwiseConv2dNative',
        { x: dyp, filter: op.own(write(backend, [Qh, Qw, g.C, 1], f)) },
        { strides: [1, 1], pad: 'valid', dilations: [1, 1] })); // each [N, Hq, Wq, C]
      const grid = phases.length === 1 ? phases[0] : op('Concat', phases, { axis: 0 }); // [P*N, Hq, Wq, C]
      return fromPhases(op, grid, g, inputShape);
    });
  }

  const impls = {
    Conv2DBackpropFilter: conv2dBackpropFilter,
    DepthwiseConv2dNativeBackpropFilter: depthwiseBackpropFilter,
    DepthwiseConv2dNativeBackpropInput: depthwiseBackpropInput,
  };
  for (const [name, fn] of Object.entries(impls)) {
    if (tf.getKernel(name, 'wasm') != null) continue; // a later tfjs has its own: use it
    stats[name] = { calls: 0, ms: 0 };
    tf.registerKernel({
      kernelName: name,
      backendName: 'wasm',
      kernelFunc: (args) => {
        const t0 = now();
        const out = fn(args);
        stats[name].calls++;
        stats[name].ms += now() - t0;
        return out;
      },
    });
  }
}

// Checks the substitute kernels against tfjs-backend-cpu through the public
// API: gradients of sum(conv(x, w) * r) with respect to x and w, computed on
// 'wasm' and on 'cpu' from the same seeded inputs. Returns the worst error
// relative to the largest reference magnitude of each case.
async function checkGradKernels(tf) {
  const cases = [ // [kind, input shape, kernel, out channels, stride, padding]
    ['conv', [32, 28, 28, 1], 3, 8, 1, 'same'], // the model's layers
    ['dw', [32, 28, 28, 8], 3, 8, 2, 'same'],
    ['conv', [32, 14, 14, 8], 1, 16, 1, 'same'],
    ['dw', [32, 14, 14, 16], 3, 16, 2, 'same'],
    ['conv', [32, 7, 7, 16], 1, 32, 1, 'same'],
    ['conv', [3, 9, 11, 4], 3, 5, 2, 'same'], // other shapes and rules
    ['conv', [2, 10, 7, 3], 5, 2, 3, 'valid'],
    ['conv', [2, 8, 8, 3], 2, 4, [2, 1], 'same'],
    ['dw', [3, 9, 11, 5], 3, 5, 1, 'same'],
    ['dw', [2, 13, 10, 3], 5, 3, 2, 'valid'],
    ['dw', [2, 7, 9, 4], 4, 4, 3, 'same'],
  ];
  const grads = (c, seed) => tf.tidy(() => {
    const [kind, xs, kk, co, s, pad] = c;
    const x = tf.randomNormal(xs, 0, 1, 'float32', seed);
    const w = tf.randomNormal(kind === 'conv' ? [kk, kk, xs[3], co] : [kk, kk, xs[3], 1], 0, 1, 'float32', seed + 1);
    const f = kind === 'conv' ? (a, b) => tf.conv2d(a, b, s, pad) : (a, b) => tf.depthwiseConv2d(a, b, s, pad);
    const r = tf.randomNormal(f(x, w).shape, 0, 1, 'float32', seed + 2);
    return tf.grads((a, b) => tf.sum(tf.mul(f(a, b), r)))([x, w]).map((t) => t.dataSync());
  });
  const got = cases.map((c, i) => grads(c, 7 * i + 1)); // seed 0 would mean "unseeded"
  await tf.setBackend('cpu');
  const want = cases.map((c, i) => grads(c, 7 * i + 1));
  await tf.setBackend('wasm');
  const relErr = (a, b) => {
    let ref = 0;
    let err = 0;
    for (let j = 0; j < b.length; j++) {
      ref = Math.max(ref, Math.abs(b[j]));
      err = Math.max(err, Math.abs(a[j] - b[j]));
    }
    return err / ref;
  };
  const perCase = cases.map((c, i) => ({ case: c.join(' '), dx: relErr(got[i][0], want[i][0]), dw: relErr(got[i][1], want[i][1]) }));
  const worst = Math.max(...perCase.map((e) => Math.max(e.dx, e.dw)));
  if (!(worst < 1e-4)) {
    throw new Error(`substitute gradient kernels disagree with tfjs-backend-cpu: ${JSON.stringify(perCase)}`);
  }
  return { cases: cases.length, maxRelError: worst, perCase };
}

// ---------------------------------------------------------------------------
// Child: one config
// ---------------------------------------------------------------------------

async function child(name, opts) {
  const cfg = CONFIGS[name];
  const tf = require('@tensorflow/tfjs-core');
  const tfl = require('@tensorflow/tfjs-layers');
  require('@tensorflow/tfjs-backend-cpu'); // registers 'cpu' (also the reference for the wasm check)
  const info = { backend: cfg.backend, versions: { core: tf.version_core, layers: tfl.version_layers } };
  const gradStats = {};

  if (cfg.backend === 'wasm') {
    const wasm = require('@tensorflow/tfjs-backend-wasm');
    info.versions.wasm = wasm.version_wasm;
    // The flags pick the binary: -simd.wasm, or the plain one when SIMD is off.
    // Node never gets the threaded build (tfjs hard-wires that flag to false
    // under Node); we set it anyway so the run is single-threaded by intent.
    if (cfg.simd === false) tf.env().set('WASM_HAS_SIMD_SUPPORT', false);
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    installWasmGradKernels(tf, gradStats);
  }
  if (!(await tf.setBackend(cfg.backend)) || tf.getBackend() !== cfg.backend) {
    throw new Error(`backend ${cfg.backend} did not initialise`);
  }
  await tf.ready();
  if (cfg.backend === 'wasm') {
    const wasm = require('@tensorflow/tfjs-backend-wasm');
    info.simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    info.binary = info.simd ? 'tfjs-backend-wasm-simd.wasm' : 'tfjs-backend-wasm.wasm';
    info.threads = wasm.getThreadsCount();
    info.gradCheck = await checkGradKernels(tf);
  }

  // The reference network (core/nn/reference.go): NHWC, 'same' padding, bias
  // and ReLU after every conv, global average pool, dense logits.
  const init = (k) => tfl.initializers.glorotUniform({ seed: INIT_SEED + k });
  const model = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(1) }),
      tfl.layers.depthwiseConv2d({ kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', depthwiseInitializer: init(2) }),
      tfl.layers.conv2d({ filters: 16, kernelSize: 1, activation: 'relu', kernelInitializer: init(3) }),
      tfl.layers.depthwiseConv2d({ kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', depthwiseInitializer: init(4) }),
      tfl.layers.conv2d({ filters: 32, kernelSize: 1, activation: 'relu', kernelInitializer: init(5) }),
      tfl.layers.globalAveragePooling2d({}),
      tfl.layers.dense({ units: 10, kernelInitializer: init(6) }),
    ],
  });
  info.params = model.countParams();
  if (info.params !== 1338) throw new Error(`expected 1338 parameters, got ${info.params}`);

  // Seeded data: POOL batches of standard-normal images and uniform labels.
  const xs = [];
  const ys = [];
  tf.tidy(() => {
    const x = tf.randomNormal([POOL * BATCH, 28, 28, 1], 0, 1, 'float32', DATA_SEED);
    const y = tf.cast(tf.oneHot(tf.randomUniform([POOL * BATCH], 0, 10, 'int32', DATA_SEED + 1), 10), 'float32');
    for (let b = 0; b < POOL; b++) {
      xs.push(tf.keep(tf.slice(x, [b * BATCH], [BATCH])));
      ys.push(tf.keep(tf.slice(y, [b * BATCH], [BATCH])));
    }
  });
  const x1 = tf.slice(xs[0], [0], [1]);

  // One training step: forward, mean softmax cross-entropy, backward, SGD
  // update. Reading the loss back makes each step finish before the next.
  const opt = tf.train.sgd(LR);
  let step = 0;
  const train = () => {
    const b = step++ % POOL;
    const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(ys[b], model.apply(xs[b], { training: true })), true);
    const v = loss.dataSync()[0];
    loss.dispose();
    return v;
  };
  const infer = (x) => {
    const p = tf.tidy(() => tf.softmax(model.apply(x, { training: false })));
    p.dataSync();
    p.dispose();
  };

  // `repeats` timings of `iters` calls each, in ms per call.
  const time = (fn, iters) => {
    const ms = [];
    for (let r = 0; r < opts.repeats; r++) {
      const t0 = now();
      for (let i = 0; i < iters; i++) fn();
      ms.push((now() - t0) / iters);
    }
    return ms;
  };
  const summary = (ms, batch) => ({
    msMedian: median(ms), msMin: Math.min(...ms), msMax: Math.max(...ms), ms,
    imgPerSec: batch * 1000 / median(ms),
    imgPerSecMin: batch * 1000 / Math.max(...ms),
    imgPerSecMax: batch * 1000 / Math.min(...ms),
  });

  const firstLoss = train();
  for (let i = 1; i < opts.warmup; i++) train();
  for (const s of Object.values(gradStats)) { s.calls = 0; s.ms = 0; }
  const tensorsBefore = tf.memory().numTensors;
  let lastLoss = NaN;
  const trainMs = time(() => { lastLoss = train(); }, opts.steps);
  const leaked = tf.memory().numTensors - tensorsBefore;
  const timedSteps = opts.steps * opts.repeats;
  const gradMsPerStep = Object.values(gradStats).reduce((a, s) => a + s.ms, 0) / timedSteps;

  // Inference repeats last at least ~0.2 s each, so batch 1 is not just noise.
  const inferRun = (x, batch) => {
    const t0 = now();
    for (let i = 0; i < opts.warmup; i++) infer(x);
    const per = (now() - t0) / opts.warmup;
    const iters = Math.max(opts.steps, Math.ceil(200 / Math.max(per, 1e-3)));
    return { iters, ...summary(time(() => infer(x), iters), batch) };
  };
  const infer1 = inferRun(x1, 1);
  const infer32 = inferRun(xs[0], BATCH);

  return {
    config: name, ...info,
    protocol: { batch: BATCH, lr: LR, warmup: opts.warmup, steps: opts.steps, repeats: opts.repeats, dataSeed: DATA_SEED, initSeed: INIT_SEED, pool: POOL },
    train: { ...summary(trainMs, BATCH), firstLoss, lastLoss, stepsRun: step, leakedTensors: leaked, substituteGradMsPerStep: gradMsPerStep, substituteGradKernels: gradStats },
    infer1, infer32,
  };
}

// ---------------------------------------------------------------------------
// Parent: run each config in its own process and print a table
// ---------------------------------------------------------------------------

function parent(args) {
  const fmt = (v, d = 1) => v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
  const span = (r, d) => `${fmt(r.msMedian, d)} ms [${fmt(r.msMin, d)}–${fmt(r.msMax, d)}]`;
  const rate = (r) => `${fmt(r.imgPerSec, 0)} [${fmt(r.imgPerSecMin, 0)}–${fmt(r.imgPerSecMax, 0)}]`;
  const meta = {
    date: new Date().toISOString(), node: process.version, platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpu: os.cpus()[0] ? os.cpus()[0].model : 'unknown', logicalCpus: os.cpus().length,
    options: { steps: args.steps, warmup: args.warmup, repeats: args.repeats },
  };
  console.log(`# TF.js reference CNN, batch ${BATCH}: ${meta.cpu}, ${meta.logicalCpus} CPUs, Node ${meta.node}`);
  console.log(`# ${args.warmup} warm-up steps, then ${args.repeats} × ${args.steps} timed steps; median [min–max] over repeats`);
  const results = [];
  for (const name of args.configs) {
    const load = os.loadavg()[0];
    const p = spawnSync(process.execPath, [__filename, '--child', name, '--steps', String(args.steps),
      '--warmup', String(args.warmup), '--repeats', String(args.repeats)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 26 });
    const line = (p.stdout || '').split('\n').find((l) => l.startsWith(MARK));
    if (p.status !== 0 || !line) {
      console.log(`\n${name}: FAILED (exit ${p.status})\n${(p.stderr || '').trim()}`);
      results.push({ config: name, error: (p.stderr || '').trim() || `exit ${p.status}` });
      continue;
    }
    const r = JSON.parse(line.slice(MARK.length));
    r.loadAvg1mAtStart = load;
    results.push(r);
    const t = r.train;
    console.log(`\n${name}  (${r.binary || 'JS kernels'}${r.threads ? `, ${r.threads} thread` : ''}; load ${load.toFixed(2)})`);
    console.log(`  train       ${span(t, 2)}/step   ${rate(t)} img/s`);
    console.log(`  loss        first step ${t.firstLoss.toFixed(6)}, after ${t.stepsRun} steps ${t.lastLoss.toFixed(6)}; leaked tensors ${t.leakedTensors}`);
    if (r.gradCheck) {
      console.log(`  grads       substitute kernels ${fmt(t.substituteGradMsPerStep, 2)} ms/step; ` +
        `check vs cpu on ${r.gradCheck.cases} cases: max rel. error ${r.gradCheck.maxRelError.toExponential(1)}`);
    }
    console.log(`  infer b=1   ${span(r.infer1, 3)}/batch   ${rate(r.infer1)} img/s`);
    console.log(`  infer b=32  ${span(r.infer32, 2)}/batch   ${rate(r.infer32)} img/s`);
  }
  if (args.json) {
    require('fs').writeFileSync(args.json, JSON.stringify({ meta, results }, null, 2) + '\n');
    console.log(`\nwrote ${args.json}`);
  }
  if (results.some((r) => r.error)) process.exitCode = 1;
}

const args = parseArgs(process.argv);
if (args.child) {
  child(args.child, args).then(
    (r) => { process.stdout.write(MARK + JSON.stringify(r) + '\n'); },
    (e) => { console.error(e && e.stack ? e.stack : e); process.exit(1); });
} else {
  parent(args);
}
