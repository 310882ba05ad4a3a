#include "train/training_job.h"

namespace pinas::train {

std::string to_string(TrainingStatus status) {
  switch (status) {
    case TrainingStatus::Completed:
      return "completed";
    case TrainingStatus::StoppedEarly:
      return "stopped_early";
    case TrainingStatus::Failed:
      return "failed";
  }
  return "failed";
}

}  // namespace pinas::train
