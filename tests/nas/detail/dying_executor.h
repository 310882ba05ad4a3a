#pragma once

#include <utility>
#include <vector>

#include "nas/evaluation/evaluator.h"
#include "proto/error.h"

namespace pinas::nas::test_support {

// Forwards to a BatchExecutor, but throws ("the process died") on the
// `die_at`-th wait, before anything of that batch is recorded: the resume
// tests' stand-in for kill -9 inside one process.
class DyingExecutor : public Executor {
 public:
  DyingExecutor(Evaluator& evaluator, int capacity, int die_at)
      : inner_(evaluator, capacity), die_at_(die_at) {}
  int capacity() const override { return inner_.capacity(); }
  int in_flight() const override { return inner_.in_flight(); }
  void submit(TrainingJob job) override { inner_.submit(std::move(job)); }
  std::vector<JobOutcome> wait() override {
    if (++waits_ == die_at_) throw Error("killed");
    return inner_.wait();
  }

 private:
  BatchExecutor inner_;
  int die_at_;
  int waits_ = 0;
};

}  // namespace pinas::nas::test_support
