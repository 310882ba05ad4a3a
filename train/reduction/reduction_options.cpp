#include "train/reduction/reduction_options.h"

#include "proto/error.h"

namespace pinas::train {

std::string reduction_method_name(ReductionMethod method) {
  switch (method) {
    case ReductionMethod::kSnl: return "snl";
    case ReductionMethod::kSnlChannel: return "snl-channel";
    case ReductionMethod::kAutoRep: return "autorep";
    case ReductionMethod::kDeepReduce: return "deepreduce";
  }
  return "unknown";
}

ReductionMethod parse_reduction_method(const std::string& name) {
  for (auto method : {ReductionMethod::kSnl, ReductionMethod::kSnlChannel, ReductionMethod::kAutoRep,
                      ReductionMethod::kDeepReduce}) {
    if (reduction_method_name(method) == name) return method;
  }
  throw Error("reduce: unknown method '" + name + "' (known: snl, snl-channel, autorep, deepreduce)");
}

}  // namespace pinas::train
