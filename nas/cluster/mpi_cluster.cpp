#include "nas/cluster/mpi_cluster.h"

#include <climits>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "nas/cluster/cluster_error.h"
#include "nas/cluster/detail/mpi_transport.h"
#include "proto/error.h"

#ifdef PINAS_NAS_MPI
#include <mpi.h>
#endif

namespace pinas::nas {
namespace {

constexpr int kJobTag = 1;
constexpr int kOutcomeTag = 2;
constexpr int kStopTag = 3;

nlohmann::json job_to_json(const TrainingJob& job) {
  return {{"trial", job.trial},
          {"decisions", job.decisions},
          {"genotype", job.genotype},
          {"genotype_proto", nlohmann::json::binary(std::vector<std::uint8_t>(
                                 job.genotype_proto.begin(), job.genotype_proto.end()))},
          {"start_epoch", job.start_epoch},
          {"end_epoch", job.end_epoch},
          {"final_rung", job.final_rung},
          {"seed", job.seed},
          {"trial_folder", job.trial_folder.string()}};
}

TrainingJob job_from_json(const nlohmann::json& value) {
  TrainingJob job;
  job.trial = value.at("trial").get<std::int64_t>();
  job.decisions = value.at("decisions").get<Decisions>();
  job.genotype = value.at("genotype").get<std::string>();
  const auto& bytes = value.at("genotype_proto").get_binary();
  job.genotype_proto.assign(bytes.begin(), bytes.end());
  job.start_epoch = value.at("start_epoch").get<int>();
  job.end_epoch = value.at("end_epoch").get<int>();
  job.final_rung = value.at("final_rung").get<bool>();
  job.seed = value.at("seed").get<std::uint64_t>();
  job.trial_folder = value.at("trial_folder").get<std::string>();
  return job;
}

nlohmann::json outcome_to_json(const JobOutcome& outcome) {
  nlohmann::json epochs = nlohmann::json::array();
  for (const EpochReport& e : outcome.epochs)
    epochs.push_back({e.epoch, e.train_loss, e.train_accuracy, e.val_accuracy, e.seconds});
  nlohmann::json value = {{"trial", outcome.trial},
                          {"ok", outcome.ok},
                          {"failure_reason", outcome.failure_reason},
                          {"epochs", epochs},
                          {"seconds", outcome.seconds},
                          {"model_path", outcome.model_path},
                          {"worker", outcome.worker}};
  if (outcome.test_accuracy) value["test_accuracy"] = *outcome.test_accuracy;
  return value;
}

JobOutcome outcome_from_json(const nlohmann::json& value) {
  JobOutcome outcome;
  outcome.trial = value.at("trial").get<std::int64_t>();
  outcome.ok = value.at("ok").get<bool>();
  outcome.failure_reason = value.at("failure_reason").get<std::string>();
  for (const auto& e : value.at("epochs"))
    outcome.epochs.push_back({e[0].get<int>(), e[1].get<double>(), e[2].get<double>(),
                              e[3].get<double>(), e[4].get<double>()});
  outcome.seconds = value.at("seconds").get<double>();
  outcome.model_path = value.at("model_path").get<std::string>();
  outcome.worker = value.at("worker").get<std::string>();
  if (value.contains("test_accuracy"))
    outcome.test_accuracy = value.at("test_accuracy").get<double>();
  return outcome;
}

}  // namespace

bool launched_under_mpi() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "PMI_RANK"})
    if (std::getenv(name) != nullptr) return true;
  return false;
}

#ifdef PINAS_NAS_MPI

using detail::check_mpi;
using detail::receive_bytes;
using detail::send_bytes;

MpiSession::MpiSession() {
  int provided = 0;
  check_mpi(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
  // From here on MPI reports failures as codes (checked, thrown as
  // ClusterError) instead of aborting the process from inside the library.
  check_mpi(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN), "MPI_Comm_set_errhandler");
  check_mpi(MPI_Comm_rank(MPI_COMM_WORLD, &rank_), "MPI_Comm_rank");
  check_mpi(MPI_Comm_size(MPI_COMM_WORLD, &size_), "MPI_Comm_size");
  MPI_Comm node = MPI_COMM_NULL;
  check_mpi(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &node),
            "MPI_Comm_split_type (ranks on this node)");
  const int status = MPI_Comm_size(node, &ranks_on_node_);
  MPI_Comm_free(&node);
  check_mpi(status, "MPI_Comm_size (ranks on this node)");
}

MpiSession::~MpiSession() {
  if (!abandoned_) MPI_Finalize();
}

std::string MpiSession::broadcast(const std::string& text) const {
  long long length = static_cast<long long>(text.size());
  if (rank_ == 0 && text.size() > static_cast<std::size_t>(INT_MAX)) {
    throw ClusterError("broadcast from rank 0: " + std::to_string(text.size()) +
                       " bytes, over 2^31 - 1");
  }
  check_mpi(MPI_Bcast(&length, 1, MPI_LONG_LONG, 0, MPI_COMM_WORLD),
            "MPI_Bcast of a length from rank 0");
  if (length < 0 || length > INT_MAX) {
    throw ClusterError("MPI_Bcast from rank 0: length " + std::to_string(length) +
                       " out of 0..2^31 - 1");
  }
  std::string buffer = rank_ == 0 ? text : std::string(static_cast<std::size_t>(length), '\0');
  check_mpi(MPI_Bcast(buffer.data(), static_cast<int>(length), MPI_CHAR, 0, MPI_COMM_WORLD),
            "MPI_Bcast of " + std::to_string(length) + " bytes from rank 0");
  return buffer;
}

MpiExecutor::MpiExecutor(const MpiSession& session) {
  for (int rank = session.size() - 1; rank >= 1; --rank) idle_.push_back(rank);
}

void MpiExecutor::submit(TrainingJob job) {
  if (idle_.empty()) throw Error("no idle worker rank for a job");
  int rank = idle_.back();
  idle_.pop_back();
  send_bytes(nlohmann::json::to_cbor(job_to_json(job)), rank, kJobTag);
  ++busy_;
}

std::vector<JobOutcome> MpiExecutor::wait() {
  auto [bytes, source, tag] = receive_bytes(MPI_ANY_SOURCE, kOutcomeTag);
  --busy_;
  idle_.push_back(source);
  JobOutcome outcome = outcome_from_json(nlohmann::json::from_cbor(bytes));
  outcome.worker = "rank " + std::to_string(source);
  return {outcome};
}

void MpiExecutor::stop_workers() {
  if (stopped_) return;
  stopped_ = true;
  for (int rank : idle_) send_bytes({}, rank, kStopTag);
}

void run_worker(Evaluator& evaluator) {
  while (true) {
    auto [bytes, source, tag] = receive_bytes(0, MPI_ANY_TAG);
    if (tag == kStopTag) return;
    JobOutcome outcome;
    try {
      TrainingJob job = job_from_json(nlohmann::json::from_cbor(bytes));
      outcome.trial = job.trial;
      auto outcomes = evaluator.evaluate({job});
      outcome = outcomes.at(0);
    } catch (const std::exception& error) {
      outcome.ok = false;
      outcome.failure_reason = error.what();
    }
    send_bytes(nlohmann::json::to_cbor(outcome_to_json(outcome)), 0, kOutcomeTag);
  }
}

#else

MpiSession::MpiSession() {
  throw Error("this pinas was built without MPI");
}
MpiSession::~MpiSession() = default;
std::string MpiSession::broadcast(const std::string& text) const {
  return text;
}
MpiExecutor::MpiExecutor(const MpiSession&) {}
void MpiExecutor::submit(TrainingJob) {
  throw Error("this pinas was built without MPI");
}
std::vector<JobOutcome> MpiExecutor::wait() {
  throw Error("this pinas was built without MPI");
}
void MpiExecutor::stop_workers() {}
void run_worker(Evaluator&) {
  throw Error("this pinas was built without MPI");
}

#endif

}  // namespace pinas::nas
