#pragma once

#include "train/training_job.h"

namespace pinas::train {

// Trains `job.architecture` on `job.data_spec` for `job.epochs` epochs with
// SGD (momentum, Nesterov, weight decay), a per-step cosine schedule with
// linear warmup, label smoothing, optional distillation from a teacher
// checkpoint and global gradient-norm clipping; then measures the test
// accuracy. With an output_dir it writes checkpoint.pt after every epoch and
// appends one line per epoch to log.jsonl; with `resume` it continues from
// that checkpoint, giving (single-threaded, on CPU) the same weights as an
// uninterrupted run with the same seed.
//
// `callback` (may be empty) sees every epoch's metrics and can stop the run.
//
// Returns status Completed or StoppedEarly, or Failed with a reason when the
// loss becomes non-finite (the last good checkpoint is kept). Throws
// pinas::Error for a bad setup: an unreadable dataset (data::DatasetError
// naming the file), an architecture that does not fit the dataset (one built
// from a genotype is rebuilt for the dataset's shape instead), an
// unreadable teacher or resume checkpoint, or a resume checkpoint of another
// architecture.
//
// Thread-safety: independent jobs may run concurrently on different threads
// (see ParallelTrainer); `job.threads` sets the intra-op threads of the
// calling thread only.
TrainingResult run_training(const TrainingJob& job, const EpochCallback& callback = {});

}  // namespace pinas::train
