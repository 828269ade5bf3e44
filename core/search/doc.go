// Package search runs DIAN's co-search: the network's ops and the
// accelerator that runs them, searched together.
//
// Run follows Auto-NBA's schedule on a small dataset: warm-up epochs that
// train only the supernet's weights (or a snapshot that already did), then
// per iteration an architecture step (cross-entropy plus λ times the
// hardware cost, Adam on α) on the architecture split and a weight step
// (SGD with a cosine schedule) on the weight split. The hardware cost comes
// from an accelerator search engine run periodically for the network
// currently sampled (Auto-NBA's answer to the chicken-and-egg problem) or
// from per-op cost tables averaged over accelerators searched for sampled
// networks (DNA's). λ is doubled or halved each epoch to hold the target
// band. At the end the argmax network is derived, a long accelerator search
// runs for it, and it is fine-tuned and tested.
//
// A co-search can save its state as it goes (Input.Checkpoints) and
// continue from a saved state (Input.Resume) to the result it would have
// reached uninterrupted; checkpoint.go says what the state holds.
//
// Everything is deterministic: one seeded generator per purpose, fixed
// iteration orders, and the bit-portable kernels of core/nn, so the same
// configuration gives the same result natively and in the browser.
package search
