#include "nas/controller/search_controller.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "nas/config/experiment_config.h"

namespace pinas::nas {
namespace {

// Proposals in a row that bring nothing new before the space counts as exhausted.
constexpr int kMaxFruitlessProposals = 10000;

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

Observation observation_of(const TrialRecord& trial) {
  bool feasible = trial.val_accuracy.has_value() && trial.status != TrialStatus::kFailed;
  return {trial.decisions, trial.val_accuracy.value_or(0.0), trial.cost, feasible};
}

// Commits on scope exit unless an exception is in flight (then rolls back).
class Transaction {
 public:
  explicit Transaction(TrialStore& store) : store_(store) { store_.begin(); }
  ~Transaction() {
    if (!done_) {
      try {
        store_.rollback();
      } catch (...) {
      }
    }
  }
  void commit() {
    store_.commit();
    done_ = true;
  }

 private:
  TrialStore& store_;
  bool done_ = false;
};

}  // namespace

SearchController::SearchController(const pb::ExperimentConfig& config, std::filesystem::path folder,
                                   TrialStore& store, const CandidateSpace& space,
                                   Strategy& strategy, Executor& executor)
    : config_(config),
      folder_(std::move(folder)),
      store_(store),
      space_(space),
      strategy_(strategy),
      executor_(executor),
      candidate_cost_(config),
      halving_(config.fidelity().min_epochs(), config.fidelity().max_epochs(),
               config.fidelity().reduction_factor()) {
  restore();
}

void SearchController::restore() {
  if (auto state = store_.strategy_state()) strategy_.load_state(*state);
  trials_ = store_.trials();
  const auto& rung_epochs = halving_.rung_epochs();
  std::vector<std::pair<std::int64_t, std::int64_t>> running;  // (job sequence, trial)
  for (const TrialRecord& trial : trials_) {
    if (trial.number != static_cast<std::int64_t>(&trial - trials_.data()))
      throw StoreError(fmt::format("trial store {}: trial numbers are not continuous at {}",
                                   store_.path().string(), trial.number));
    by_key_.emplace(trial.genotype, trial.number);
    next_sequence_ = std::max(next_sequence_, trial.job_sequence + 1);
    if (!was_trained(trial.status)) continue;
    ++trained_;
    // Rungs fully reached: a running or failed trial has not finished its current one.
    int reached =
        trial.rung +
        ((trial.status == TrialStatus::kRunning || trial.status == TrialStatus::kFailed) ? 0 : 1);
    if (reached > 0) {
      auto epochs = store_.epochs(trial.number);
      for (int rung = 0; rung < reached && rung <= halving_.last_rung(); ++rung) {
        int epoch = rung_epochs[static_cast<std::size_t>(rung)];
        auto found = std::find_if(epochs.begin(), epochs.end(),
                                  [&](const EpochRecord& e) { return e.epoch == epoch; });
        if (found == epochs.end())
          throw StoreError(fmt::format("trial store {}: trial {} lacks epoch {} of rung {}",
                                       store_.path().string(), trial.number, epoch, rung));
        bool paused = trial.status == TrialStatus::kPaused && rung == trial.rung;
        halving_.record(trial.number, rung, found->val_accuracy, paused);
      }
    }
    if (trial.status == TrialStatus::kRunning)
      running.emplace_back(trial.job_sequence, trial.number);
  }
  std::sort(running.begin(), running.end());
  for (auto& [sequence, number] : running) requeued_.push_back(number);
}

TrainingJob SearchController::job_for(TrialRecord& trial) {
  const auto& rung_epochs = halving_.rung_epochs();
  TrainingJob job;
  job.trial = trial.number;
  job.decisions = trial.decisions;
  job.genotype = trial.genotype;
  job.genotype_proto = trial.genotype_proto;
  job.start_epoch = trial.rung == 0 ? 0 : rung_epochs[static_cast<std::size_t>(trial.rung - 1)];
  job.end_epoch = rung_epochs[static_cast<std::size_t>(trial.rung)];
  job.final_rung = trial.rung == halving_.last_rung();
  job.seed = config_.seed() * 1000003ULL + static_cast<std::uint64_t>(trial.number);
  job.trial_folder = folder_ / "trials" / std::to_string(trial.number);
  if (create_folders_) std::filesystem::create_directories(job.trial_folder);
  return job;
}

std::optional<TrainingJob> SearchController::next_job() {
  if (!requeued_.empty()) {
    TrialRecord& trial = trials_[static_cast<std::size_t>(requeued_.front())];
    requeued_.pop_front();
    TrainingJob job = job_for(trial);
    store_.delete_epochs_after(trial.number, job.start_epoch);  // a half-done rung starts over
    return job;
  }
  if (auto promoted = halving_.next_promotion()) {
    TrialRecord& trial = trials_[static_cast<std::size_t>(*promoted)];
    halving_.unpause(trial.number);
    trial.status = TrialStatus::kRunning;
    trial.rung += 1;
    trial.job_sequence = next_sequence_++;
    Transaction transaction(store_);
    store_.put_trial(trial);
    transaction.commit();
    return job_for(trial);
  }
  if (trained_ < config_.max_trials() && !exhausted_) return new_trial_job();
  return std::nullopt;
}

void SearchController::insert_screened(const Decisions& decisions, const Candidate& candidate,
                                       double cost, TrialStatus status, const std::string& reason) {
  TrialRecord trial;
  trial.number = static_cast<std::int64_t>(trials_.size());
  trial.genotype = candidate.key;
  trial.genotype_proto = candidate.genotype_proto;
  trial.decisions = decisions;
  trial.relus = candidate.relus;
  trial.macs = candidate.macs;
  trial.params = candidate.params;
  trial.cost = cost;
  trial.status = status;
  trial.failure_reason = reason;
  trial.created_at = trial.finished_at = now_seconds();
  Transaction transaction(store_);
  store_.put_trial(trial);
  store_.save_strategy_state(strategy_.save_state());
  transaction.commit();
  by_key_.emplace(trial.genotype, trial.number);
  trials_.push_back(std::move(trial));
}

std::optional<TrainingJob> SearchController::new_trial_job() {
  for (int attempt = 0; attempt < kMaxFruitlessProposals; ++attempt) {
    Decisions decisions = strategy_.ask();
    Candidate candidate;
    double cost = 0;
    try {
      candidate = space_.realize(decisions);
      if (by_key_.count(candidate.key) == 0) cost = candidate_cost_.cost(candidate);
    } catch (const InvalidCandidate& error) {
      candidate = Candidate{};
      candidate.key = "invalid:";
      for (int d : decisions) candidate.key += std::to_string(d) + ",";
      if (by_key_.count(candidate.key) == 0) {
        strategy_.tell({decisions, 0, 0, false});
        insert_screened(decisions, candidate, 0, TrialStatus::kInvalid, error.what());
        if (on_update_) on_update_(trials_.back());
      } else {
        strategy_.tell({decisions, 0, 0, false});
      }
      continue;
    }
    auto known = by_key_.find(candidate.key);
    if (known != by_key_.end()) {
      // Never trained twice: a finished duplicate's result is told again; one
      // still in progress is simply skipped.
      const TrialRecord& existing = trials_[static_cast<std::size_t>(known->second)];
      if (is_final(existing.status)) {
        Observation observation = observation_of(existing);
        observation.decisions = decisions;
        strategy_.tell(observation);
      }
      continue;
    }
    if (!candidate_cost_.within_budget(candidate, cost)) {
      strategy_.tell({decisions, 0, cost, false});
      insert_screened(decisions, candidate, cost, TrialStatus::kOverBudget,
                      candidate_cost_.over_budget_reason(candidate, cost));
      if (on_update_) on_update_(trials_.back());
      continue;
    }
    TrialRecord trial;
    trial.number = static_cast<std::int64_t>(trials_.size());
    trial.genotype = candidate.key;
    trial.genotype_proto = candidate.genotype_proto;
    trial.decisions = decisions;
    trial.relus = candidate.relus;
    trial.macs = candidate.macs;
    trial.params = candidate.params;
    trial.cost = cost;
    trial.status = TrialStatus::kRunning;
    trial.created_at = trial.started_at = now_seconds();
    trial.job_sequence = next_sequence_++;
    Transaction transaction(store_);
    store_.put_trial(trial);
    store_.save_strategy_state(strategy_.save_state());
    transaction.commit();
    by_key_.emplace(trial.genotype, trial.number);
    trials_.push_back(std::move(trial));
    ++trained_;
    return job_for(trials_.back());
  }
  exhausted_ = true;
  return std::nullopt;
}

void SearchController::record(const std::vector<JobOutcome>& outcomes) {
  Transaction transaction(store_);
  std::vector<std::int64_t> updated;
  for (const JobOutcome& outcome : outcomes) {
    if (outcome.trial < 0 || outcome.trial >= static_cast<std::int64_t>(trials_.size())) continue;
    TrialRecord& trial = trials_[static_cast<std::size_t>(outcome.trial)];
    if (trial.status != TrialStatus::kRunning) continue;  // a stale duplicate outcome
    trial.worker = outcome.worker;
    trial.train_seconds += outcome.seconds;
    for (const EpochReport& epoch : outcome.epochs)
      store_.put_epoch({trial.number, epoch.epoch, epoch.train_loss, epoch.train_accuracy,
                        epoch.val_accuracy, epoch.seconds});
    if (!outcome.ok || outcome.epochs.empty()) {
      trial.status = TrialStatus::kFailed;
      trial.failure_reason = outcome.ok ? "the job reported no epoch" : outcome.failure_reason;
      trial.finished_at = now_seconds();
      strategy_.tell({trial.decisions, 0, trial.cost, false});
    } else {
      double accuracy = outcome.epochs.back().val_accuracy;
      trial.epochs = outcome.epochs.back().epoch;
      trial.val_accuracy = accuracy;
      trial.test_accuracy = outcome.test_accuracy;
      if (!outcome.model_path.empty())
        trial.model_path = std::filesystem::relative(outcome.model_path, folder_).string();
      bool last = trial.rung == halving_.last_rung();
      trial.status = last ? TrialStatus::kComplete : TrialStatus::kPaused;
      if (last) trial.finished_at = now_seconds();
      halving_.record(trial.number, trial.rung, accuracy, !last);
      // Strategies compare candidates at the first rung, where all are equal in fidelity.
      if (trial.rung == 0) strategy_.tell({trial.decisions, accuracy, trial.cost, true});
    }
    store_.put_trial(trial);
    updated.push_back(trial.number);
  }
  store_.save_strategy_state(strategy_.save_state());
  transaction.commit();
  if (on_update_)
    for (std::int64_t number : updated) on_update_(trials_[static_cast<std::size_t>(number)]);
}

void SearchController::finish() {
  Transaction transaction(store_);
  for (std::int64_t number : halving_.paused_trials()) {
    TrialRecord& trial = trials_[static_cast<std::size_t>(number)];
    trial.status = TrialStatus::kStopped;
    trial.finished_at = now_seconds();
    store_.put_trial(trial);
    halving_.unpause(number);
  }
  store_.set_meta("finished_at", fmt::format("{:.3f}", now_seconds()));
  transaction.commit();
}

void SearchController::run() {
  while (true) {
    while (executor_.in_flight() < executor_.capacity()) {
      auto job = next_job();
      if (!job) break;
      executor_.submit(std::move(*job));
    }
    if (executor_.in_flight() == 0) break;
    record(executor_.wait());
  }
  finish();
}

}  // namespace pinas::nas
