// Package supernet is the FBNet-style search space of DIAN Explorer, scaled
// for small inputs: a stem, one searchable block per stage, a head, global
// pooling and a classifier. Each block chooses one of the FBNet candidate
// ops (MBConv with kernel 3 or 5 and expansion 1, 3 or 6, optionally with
// group-2 pointwise convolutions, or skip).
//
// The architecture parameters α (one logit per block and op) are sampled
// with Gumbel-softmax in one of two ways:
//
//   - Hard ("proxy_hard", Auto-NBA): the two ops with the largest Gumbel
//     sample are active; the forward pass runs only the first, and the
//     gradient reaches both through ST1/ST0 straight-through estimators on
//     the softmax of their raw logits. After each architecture step the
//     active logits are shifted so their log-sum-exp is unchanged
//     (ProxylessNAS offset correction).
//   - Soft (FBNet, DNA): every op runs and the block outputs their sum
//     weighted by the Gumbel-softmax sample at temperature τ.
//
// A Path (one op per block) lowers to an accel.Network for the cost models.
package supernet
