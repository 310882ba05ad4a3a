#include "cost_models/cost_model.h"

namespace pinas::cost {

double CostModel::cost(const spaces::Architecture& architecture) const {
  return estimate(architecture).cost;
}

}  // namespace pinas::cost
