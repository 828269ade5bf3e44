// What the page keeps in this browser (IndexedDB), bounded and clearable:
//
//   - the running search's latest checkpoint: the worker posts one every
//     5 s and when the search is stopped, so a reload, a crash or a closed
//     tab costs a few seconds at most and the search can resume to the same
//     result, bit for bit;
//   - the last MAX_RESULTS finished results' headline numbers, for
//     comparing runs side by side.
//
// Where IndexedDB is unavailable (some private windows) nothing is kept
// and the page says so once.

const DB = "dian-explorer";
const STORE = "kept";
const CHECKPOINT = "checkpoint";
const RESULTS = "results";
export const MAX_RESULTS = 10;

let db = null;

function request(r) {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

async function store(mode) {
  if (!db) {
    const open = indexedDB.open(DB, 1);
    open.onupgradeneeded = () => open.result.createObjectStore(STORE);
    db = await request(open);
  }
  return db.transaction(STORE, mode).objectStore(STORE);
}

async function get(key) { return request((await store("readonly")).get(key)); }
async function put(key, value) { return request((await store("readwrite")).put(value, key)); }
async function del(key) { return request((await store("readwrite")).delete(key)); }

// A checkpoint record: { fragment, step, steps, savedAt (ms since the
// epoch), state (Uint8Array, a search-state snapshot) }.
export const loadCheckpoint = () => get(CHECKPOINT);
export const saveCheckpoint = (rec) => put(CHECKPOINT, rec);
export const clearCheckpoint = () => del(CHECKPOINT);

// keepResult adds a finished result's summary, dropping the oldest beyond
// MAX_RESULTS, and returns the list (newest first).
export async function keepResult(summary) {
  const list = [summary, ...((await get(RESULTS)) || []).filter((r) => r.config !== summary.config)].slice(0, MAX_RESULTS);
  await put(RESULTS, list);
  return list;
}

export async function keptResults() { return (await get(RESULTS)) || []; }

// clearAll forgets everything the page kept.
export async function clearAll() {
  await del(CHECKPOINT);
  await del(RESULTS);
}
