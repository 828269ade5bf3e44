// Package data loads the small image-classification datasets bundled in
// assets/datasets (MNIST and Fashion-MNIST subsets, scikit-learn's 8×8
// digits), checks them, and turns them into normalised float32 images with
// deterministic shuffles, splits and batches.
//
// Files are IDX (LeCun's format: a big-endian magic 00 00 08 ndim, the
// dimensions, then unsigned bytes), optionally gzipped. Load reads them from
// any fs.FS — os.DirFS("assets/datasets") natively, the fetched bytes in the
// browser — checks the header and the payload length, then the sha256 of
// the decompressed bytes against the manifest compiled into this package,
// and reports a file by name with what was expected when anything is off.
//
// Dataset keys: mnist28, mnist14, fashion28, fashion14 and digits8.
// fashion14 is the 2×2 mean of the 28×28 files, taken at load time; mnist14
// has its own files, already downscaled (20,000 training images and MNIST's
// whole test set), because the default search needs more images than the
// 28×28 subset holds.
package data
