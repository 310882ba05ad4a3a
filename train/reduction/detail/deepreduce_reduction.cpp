// DeepReDuce: stage criticality, then culling, thinning and reshaping of a
// ResNet, each reduced network trained with KD from the all-ReLU teacher.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>

#include "search_spaces/resnet_space.h"
#include "search_spaces/search_space.h"
#include "train/model_export.h"
#include "train/reduction/detail/reduction_methods.h"
#include "train/trainer.h"

namespace pinas::train::detail {

namespace {

struct Candidate {
  pb::Genotype genotype;
  int64_t relus = 0;
  std::string label;
};

// A TrainingJob for `genotype` under the job's data and DeepReDuce's schedule.
TrainingJob training_job(const ReductionContext& context, const pb::Genotype& genotype, int epochs,
                         const std::filesystem::path& folder, const std::filesystem::path& teacher) {
  const auto& job = context.job();
  const auto& options = job.deepreduce;
  const auto& input = context.model().architecture();
  spaces::Shape shape;
  int64_t classes = input.num_classes();
  for (const auto& node : input.nodes()) {
    if (node.op() == pb::INPUT) shape = spaces::Shape::from_proto(node.input_shape());
  }
  TrainingJob training;
  training.name = folder.filename().string();
  training.architecture = spaces::build_genotype([&] {
                            pb::Genotype fitted = genotype;
                            *fitted.mutable_input_shape() = shape.to_proto();
                            fitted.set_num_classes(classes);
                            return fitted;
                          }())
                              .to_proto();
  training.data_spec = job.data_spec;
  training.train_subset = job.train_subset;
  training.test_subset = job.test_subset;
  training.validation_fraction = job.validation_fraction;
  training.epochs = epochs;
  training.hyperparameters.batch_size = job.batch_size;
  training.hyperparameters.learning_rate = options.learning_rate;
  training.hyperparameters.weight_decay = options.weight_decay;
  training.hyperparameters.distillation_weight = options.kd_weight;
  training.hyperparameters.distillation_temperature = job.kd_temperature;
  training.seed = job.seed;
  training.output_dir = folder;
  training.resume = job.resume;
  training.teacher_checkpoint = teacher;
  training.threads = job.threads;
  training.device = job.device;
  training.progress = job.progress;
  return training;
}

int64_t count_relus(const ReductionContext& context, const pb::Genotype& genotype) {
  const auto& input = context.model().architecture();
  spaces::Shape shape;
  for (const auto& node : input.nodes()) {
    if (node.op() == pb::INPUT) shape = spaces::Shape::from_proto(node.input_shape());
  }
  return spaces::ResNetSpace().count(genotype, shape, input.num_classes()).relus;
}

}  // namespace

void run_deepreduce(ReductionContext& context, ReductionResult& result) {
  const auto& job = context.job();
  const auto& options = job.deepreduce;
  const auto architecture = spaces::Architecture::from_proto(context.model().architecture());
  if (architecture.space() != "resnet") {
    throw Error(fmt::format("reduce: deepreduce needs a model of the resnet space; {} is '{}'", job.model.string(),
                            architecture.space().empty() ? "hand-made" : architecture.space()));
  }
  pb::Genotype base = spaces::genotype_of(architecture);
  spaces::ResNetSpace space;
  const int stages = static_cast<int>(spaces::ResNetSpace::blocks_per_stage(base.resnet().depth()).size());
  int blocks = 0;
  for (int count : spaces::ResNetSpace::blocks_per_stage(base.resnet().depth())) blocks += count;
  auto& resnet = *base.mutable_resnet();
  if (resnet.stage_culled_size() == 0) for (int s = 0; s < stages; ++s) resnet.add_stage_culled(false);
  if (resnet.block_thinned_size() == 0) for (int b = 0; b < blocks; ++b) resnet.add_block_thinned(false);

  // The teacher as a checkpoint, which the trainer distils from.
  const auto teacher = job.output_dir / "teacher" / Checkpoint::kFileName;
  if (!std::filesystem::exists(teacher)) {
    Checkpoint::save(teacher, context.teacher(), nullptr, context.checkpoint_info(context.teacher()));
  }

  // 1. Criticality: ReLUs in stage k only.
  const auto table_path = job.output_dir / "criticality.json";
  nlohmann::json table = nlohmann::json::object();
  if (job.resume && std::filesystem::exists(table_path)) table = nlohmann::json::parse(std::ifstream(table_path));
  for (int k = 0; k < stages; ++k) {
    const std::string key = std::to_string(k + 1);
    pb::Genotype only = base;
    for (int s = 0; s < stages; ++s) only.mutable_resnet()->set_stage_culled(s, s != k);
    only.mutable_resnet()->set_stem_relu_off(true);
    StageCriticality entry;
    entry.stage = k + 1;
    entry.relus = count_relus(context, only);
    if (table.contains(key)) {
      entry.val_accuracy = table[key].at("val_accuracy").get<double>();
    } else {
      context.log(fmt::format("deepreduce: criticality of stage {} ({} ReLUs), {} epochs", k + 1, entry.relus,
                              options.criticality_epochs));
      auto training = training_job(context, only, options.criticality_epochs,
                                   job.output_dir / "criticality" / fmt::format("stage{}", k + 1), teacher);
      training.evaluate_test = false;
      const TrainingResult trained = run_training(training);
      if (trained.status == TrainingStatus::Failed) throw Error("deepreduce: " + trained.failure_reason);
      entry.val_accuracy = trained.val_accuracy;
      table[key] = {{"relus", entry.relus}, {"val_accuracy", entry.val_accuracy}};
      std::ofstream(table_path) << table.dump(2) << "\n";
    }
    result.criticality.push_back(entry);
  }
  // Least accurate alone = least critical = culled first (fewer ReLUs on ties).
  std::vector<int> order(static_cast<size_t>(stages));
  for (int s = 0; s < stages; ++s) order[static_cast<size_t>(s)] = s;
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    const auto& x = result.criticality[static_cast<size_t>(a)];
    const auto& y = result.criticality[static_cast<size_t>(b)];
    return x.val_accuracy != y.val_accuracy ? x.val_accuracy < y.val_accuracy : x.relus < y.relus;
  });
  for (int rank = 0; rank < stages; ++rank) result.criticality[static_cast<size_t>(order[rank])].rank = rank + 1;

  // 2. Candidates: cull 0..S-1 stages in that order, thin or not, α, ρ.
  std::vector<Candidate> candidates;
  for (int culled = 0; culled < stages; ++culled) {
    for (int thin = 0; thin < 2; ++thin) {
      for (int alpha = 0; alpha < 2; ++alpha) {
        for (int rho = 0; rho < 2; ++rho) {
          if (culled + thin + alpha + rho == 0) continue;  // the teacher itself
          Candidate candidate;
          candidate.genotype = base;
          auto& g = *candidate.genotype.mutable_resnet();
          std::vector<std::string> parts;
          for (int i = 0; i < culled; ++i) {
            g.set_stage_culled(order[static_cast<size_t>(i)], true);
            parts.push_back(fmt::format("cull stage{}", order[static_cast<size_t>(i)] + 1));
          }
          if (thin) {
            for (int b = 0; b < blocks; ++b) g.set_block_thinned(b, true);
            g.set_thinned_relu(options.thin_post_add ? pb::POST_ADD_RELU : pb::FIRST_RELU);
            parts.push_back("thin");
          }
          if (alpha) {
            g.set_channel_scale(options.channel_scale);
            parts.push_back(fmt::format("alpha {}", options.channel_scale));
          }
          if (rho) {
            g.set_resolution_divisor(options.resolution_divisor);
            g.set_resolution_reduction(options.strided_stem ? pb::STRIDED_STEM : pb::INPUT_AVERAGE_POOL);
            parts.push_back(fmt::format("rho 1/{}", options.resolution_divisor));
          }
          space.check(candidate.genotype);
          candidate.relus = count_relus(context, candidate.genotype);
          candidate.label = fmt::format("{}", fmt::join(parts, " + "));
          candidates.push_back(std::move(candidate));
        }
      }
    }
  }

  // 3. Per budget: the candidate with the most ReLUs at or under it (the
  // earliest, so the least reshaped, among equals), trained with KD.
  for (int64_t budget : job.budgets) {
    const Candidate* chosen = nullptr;
    for (const auto& candidate : candidates) {
      if (candidate.relus <= budget && (!chosen || candidate.relus > chosen->relus)) chosen = &candidate;
    }
    if (!chosen) {
      int64_t smallest = candidates.front().relus;
      for (const auto& candidate : candidates) smallest = std::min(smallest, candidate.relus);
      throw Error(fmt::format("reduce: budget {} is below DeepReDuce's smallest network ({} ReLUs)", budget,
                              smallest));
    }
    const auto folder = job.output_dir / fmt::format("deepreduce-{}", budget);
    context.log(fmt::format("deepreduce budget {}: {} ({} ReLUs), {} epochs with KD", budget, chosen->label,
                            chosen->relus, options.epochs));
    const TrainingResult trained = run_training(training_job(context, chosen->genotype, options.epochs, folder, teacher));
    if (trained.status == TrainingStatus::Failed) throw Error("deepreduce: " + trained.failure_reason);
    ReducedNetwork reduced;
    reduced.budget = budget;
    reduced.label = "deepreduce: " + chosen->label;
    reduced.epochs = trained.epochs_completed;
    reduced.seconds = trained.wall_seconds;
    reduced.val_accuracy = trained.val_accuracy;
    reduced.test_accuracy = trained.test_accuracy;
    reduced.model_file = folder / "model.pb";
    const pb::Model exported = export_checkpoint(folder, reduced.model_file);
    const auto report = spaces::analyze(spaces::Architecture::from_proto(exported.architecture()));
    reduced.relus = report.relus;
    reduced.polynomial_elements = report.polynomial_elements;
    result.networks.push_back(reduced);
  }
}

}  // namespace pinas::train::detail
