#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

// The ReLU-reduction methods of the literature and their every constant, each
// defaulting to the published recipe (../shared/docs/methods.md). A CPU run
// shortens the schedules (epochs, data subsets) through these options; the
// defaults are the papers'.
namespace pinas::train {

enum class ReductionMethod {
  kSnl,         // SNL, one α per pixel
  kSnlChannel,  // SNL, one α per channel (described in the paper, code not released)
  kAutoRep,     // AutoReP: hysteresis gates, STE, DaPa polynomial replacement
  kDeepReduce,  // DeepReDuce: stage culling, thinning, reshaping of ResNets
};

// "snl", "snl-channel", "autorep", "deepreduce".
std::string reduction_method_name(ReductionMethod method);
// The inverse; throws pinas::Error listing the known names for any other text.
ReductionMethod parse_reduction_method(const std::string& name);

// SNL (Cho et al., ICML 2022). Mask phase: Adam over weights, batch norm and α,
// loss CE + kd_weight·KD + λ·Σ‖α‖₁; after every epoch, count = #{α > threshold};
// when the count did not fall below its running minimum and epoch ≥ patience,
// λ ← growth·λ; stop as soon as count ≤ budget. Then α ← 1[α > threshold], frozen,
// and a finetune with SGD (cosine) on CE + KD.
struct SnlOptions {
  double initial_lambda = 1e-5;       // λ₀
  double lambda_growth = 1.1;         // λ ← 1.1·λ when the count stalls
  int lambda_patience_epochs = 5;     // λ grows only from this epoch on
  double alpha_threshold = 0.01;      // a ReLU is live while α > 0.01
  double learning_rate = 1e-3;        // Adam, mask phase, no weight decay
  double alpha_learning_rate = 0.0;   // α's own Adam rate; 0: learning_rate (the paper: one rate)
  int max_mask_epochs = 2000;         // cap of the mask phase
  // The stop test "count ≤ budget" runs after every epoch (the paper, 0) or
  // every this many steps, for short schedules that cross the budget mid-epoch.
  int check_every_steps = 0;
  double kd_weight = 1.0;             // CE + 1.0·KD
  int finetune_epochs = 100;
  double finetune_learning_rate = 1e-3;  // SGD, cosine to 0
  double finetune_momentum = 0.9;
  double finetune_weight_decay = 5e-4;
};

// How AutoReP replaces the ReLUs it drops (the paper's ablation).
enum class ReplacementKind {
  kQuadratic,  // c0 + c1·x + c2·x² per channel, DaPa-initialized (the method)
  kLinear,     // c0 + c1·x per channel
  kIdentity,   // pure linearization
};

// AutoReP (Peng et al., ICCV 2023): per-element gates with hysteresis and the
// softplus straight-through estimator; loss CE + kd_weight·KD + λ·max(0, Σm/N − B/N);
// Adam with a cosine schedule; DaPa coefficients refit from running
// pre-activation statistics every `dapa_refit_every` iterations during the first
// `dapa_refit_until`, then trained with everything else.
struct AutoRepOptions {
  double hysteresis_threshold = 0.003;
  double budget_penalty = 80.0;        // λ (80–240 in the released scripts)
  ReplacementKind replacement = ReplacementKind::kQuadratic;
  double learning_rate = 1e-3;         // Adam, cosine to final_learning_rate
  double final_learning_rate = 1e-5;
  double gate_learning_rate = 0.0;     // the gates' own rate, same cosine; 0: learning_rate (the paper)
  int epochs = 200;
  int dapa_refit_every = 10;           // iterations
  int dapa_refit_until = 500;          // iterations of warm-up
  // The released code (harveyp123/AutoReP, ReLU_masked_dapa_relay with
  // x2act_auto) multiplies the fitted x² coefficient by --scale_x2, 0.2 in its
  // DaPa scripts, and fits from a variance clipped below at var_min. Without
  // both, an exact N(u, σ²) fit squares the outliers that identity shortcuts
  // carry from block to block: ResNet-20 on CIFAR-10 diverged from the first
  // epoch. 1 and ~0 give the closed form of the paper's text.
  double x2_scale = 0.2;
  double dapa_min_variance = 0.04;
  double kd_weight = 1.0;
  // The best epoch (validation) whose live count is within budget + slack is
  // kept, as the paper does; its mask is then cut to the budget exactly.
  int64_t budget_slack = 2000;
};

// DeepReDuce (Jha et al., ICML 2021), on networks of the `resnet` space.
// Criticality: one network per stage with ReLUs in that stage only, trained for
// `criticality_epochs`; stages are ranked by its validation accuracy (least
// accurate = least critical). Candidates: cull stages least critical first,
// thin (remove relu2, the post-add ReLU, of every block left), reshape with
// α = channel_scale and ρ = 1/resolution_divisor as a stride-2 stem. For each
// budget the candidate with the most ReLUs at or under it is trained with KD from
// the all-ReLU teacher.
struct DeepReduceOptions {
  int criticality_epochs = 20;         // "short, documented schedule" for the ranking
  double channel_scale = 0.5;          // α of the reshaped candidates
  int resolution_divisor = 2;          // 1/ρ of the reshaped candidates
  bool strided_stem = true;            // ρ as DeepReDuce released it; false: input average pool
  bool thin_post_add = true;           // thinning removes relu2 (released) or relu1
  int epochs = 200;                    // KD training of each reduced network
  double learning_rate = 0.1;          // SGD Nesterov, cosine
  double weight_decay = 5e-4;
  double kd_weight = 0.9;              // (1 − w)·CE + w·KD
};

// One `pinas reduce` run: a trained model, the budgets, the data and the method.
struct ReductionJob {
  std::filesystem::path model;         // the trained input model file
  std::filesystem::path teacher;       // empty: the input model
  ReductionMethod method = ReductionMethod::kSnl;
  std::vector<int64_t> budgets;        // ReLUs; each result has at most this many
  std::string data_spec = "fashion-mnist";
  int64_t train_subset = 0;            // stratified samples (0 = all)
  int64_t test_subset = 0;
  double validation_fraction = 0.1;
  int64_t batch_size = 128;
  double kd_temperature = 4.0;         // T of KL(log_softmax(s/T) ‖ softmax(t/T))·T²
  uint64_t seed = 1;
  int threads = 0;                     // intra-op threads; 0 = every core
  int device = -1;                     // CUDA device, -1 = CPU
  std::filesystem::path output_dir;    // one folder per budget, plus the front
  bool resume = false;                 // continue each budget from its checkpoint
  bool progress = true;                // progress lines on stderr
  SnlOptions snl;
  AutoRepOptions autorep;
  DeepReduceOptions deepreduce;
};

// One reduced network of the front.
struct ReducedNetwork {
  int64_t budget = 0;
  int64_t relus = 0;                   // by the exported file's IR
  int64_t polynomial_elements = 0;
  double val_accuracy = 0.0;
  double test_accuracy = 0.0;
  int epochs = 0;
  double seconds = 0.0;
  std::string label;                   // e.g. "snl", or DeepReDuce's "cull stage1 + thin"
  std::filesystem::path model_file;
};

// DeepReDuce's per-stage criticality measurement.
struct StageCriticality {
  int stage = 0;                       // 1-based
  int64_t relus = 0;                   // the network with ReLUs in this stage only
  double val_accuracy = 0.0;
  int rank = 0;                        // 1 = least critical (culled first)
};

struct ReductionResult {
  ReductionMethod method = ReductionMethod::kSnl;
  int64_t baseline_relus = 0;
  double baseline_test_accuracy = 0.0;
  std::vector<ReducedNetwork> networks;   // in budget order
  std::vector<StageCriticality> criticality;  // DeepReDuce only
};

}  // namespace pinas::train
