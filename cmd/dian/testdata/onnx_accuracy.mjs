// Runs an ONNX model exported by `dian search -onnx-out` in ONNX Runtime
// (onnxruntime-web's wasm backend, in Node) over a test set stored as raw
// bytes, and prints how many images it classifies correctly, as JSON.
//
//   node onnx_accuracy.mjs MODEL.onnx PIXELS LABELS H W
//
// PIXELS holds the test images as stored (one uint8 per pixel, N×H×W),
// LABELS one uint8 per image. ORT_PATH names onnxruntime-web's folder.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [model, pixelsPath, labelsPath, hs, ws] = process.argv.slice(2);
const ort = await import(pathToFileURL(process.env.ORT_PATH + "/dist/ort.node.min.mjs").href).catch(
  () => import(pathToFileURL(process.env.ORT_PATH + "/dist/ort.mjs").href));
ort.env.wasm.numThreads = 1;
const h = Number(hs), w = Number(ws);
const pixels = readFileSync(pixelsPath), labels = readFileSync(labelsPath);
const n = labels.length;
const session = await ort.InferenceSession.create(readFileSync(model));
let correct = 0;
const batch = 250;
for (let i = 0; i < n; i += batch) {
  const m = Math.min(batch, n - i);
  const x = new ort.Tensor("uint8", new Uint8Array(pixels.buffer, pixels.byteOffset + i * h * w, m * h * w), [m, 1, h, w]);
  const out = await session.run({ pixels: x });
  const logits = out.logits.data, k = out.logits.dims[1];
  for (let j = 0; j < m; j++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (logits[j * k + c] > logits[j * k + best]) best = c;
    if (best === labels[i + j]) correct++;
  }
}
console.log(JSON.stringify({ n, correct }));
