// The dashboard's data, page and HTTP server (nas/dashboard/) on a real trial
// store; the page itself is tested in headless Chromium by the ctest
// cli.dashboard.chromium (tests/cli/dashboard.cmake).
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "nas/dashboard/dashboard_data.h"
#include "nas/dashboard/dashboard_error.h"
#include "nas/dashboard/dashboard_page.h"
#include "nas/dashboard/reference_points.h"
#include "nas/store/trial_store.h"
#include "proto/genotype.pb.h"
#include "search_spaces/presets.h"
#ifdef PINAS_DASHBOARD_HTTP
#include <httplib.h>

#include "nas/dashboard/dashboard_server.h"
#endif

namespace pinas::nas {
namespace {

constexpr const char* kConfig = R"(name: "dashboard-test"
space: "cryptonas"
dataset { name: "fashion-mnist" }
objective { pareto { min_relus: 0 max_relus: 200000 } source: SYNTHETIC }
strategy { kind: RANDOM }
fidelity { min_epochs: 2 max_epochs: 2 }
max_trials: 10
seed: 1
)";

std::filesystem::path fresh_folder(const std::string& name) {
  auto folder = std::filesystem::temp_directory_path() /
                ("pinas_test_dashboard_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(folder);
  std::filesystem::create_directories(folder);
  return folder;
}

TrialRecord trial(std::int64_t number, std::int64_t relus, std::optional<double> accuracy,
                  TrialStatus status) {
  TrialRecord record;
  record.number = number;
  record.genotype = "cryptonas:test-" + std::to_string(number);
  record.decisions = {static_cast<int>(number)};
  record.relus = relus;
  record.cost = static_cast<double>(relus);
  record.status = status;
  record.val_accuracy = accuracy;
  record.worker = "embedded";
  record.created_at = 1000.0 + static_cast<double>(number);
  record.finished_at = 1010.0 + static_cast<double>(number);
  return record;
}

// Trials 0 and 2 form the front (75,264 ReLUs at 0.9; 40,000 at 0.8); 1 is
// dominated; 3 is over budget. Trial 0 has the real cryptonas-fmnist network.
std::filesystem::path sample_experiment(const std::string& name) {
  const auto folder = fresh_folder(name);
  auto store = TrialStore::create(folder / "trials.db", kConfig);
  store.begin();
  TrialRecord best = trial(0, 75264, 0.9, TrialStatus::kComplete);
  best.genotype_proto = spaces::preset_genotype("cryptonas-fmnist").SerializeAsString();
  best.test_accuracy = 0.88;
  best.epochs = 2;
  store.put_trial(best);
  store.put_trial(trial(1, 90000, 0.7, TrialStatus::kComplete));
  store.put_trial(trial(2, 40000, 0.8, TrialStatus::kComplete));
  store.put_trial(trial(3, 500000, std::nullopt, TrialStatus::kOverBudget));
  store.put_epoch({0, 1, 1.5, 0.6, 0.7, 2.0});
  store.put_epoch({0, 2, 0.9, 0.85, 0.9, 2.5});
  store.commit();
  return folder;
}

TEST(Dashboard, SnapshotHoldsTheTrialsFrontCurvesAndReferences) {
  const auto folder = sample_experiment("snapshot");
  DashboardData data(folder, parse_reference_points(published_reference_text(), "built in"));
  const nlohmann::json snapshot = data.snapshot();
  EXPECT_EQ(snapshot["experiment"]["name"], "dashboard-test");
  EXPECT_EQ(snapshot["experiment"]["dataset"], "fashion-mnist");
  EXPECT_EQ(snapshot["experiment"]["metric"], "RELUS");
  EXPECT_EQ(snapshot["experiment"]["max_cost"], 200000.0);
  EXPECT_EQ(snapshot["experiment"]["finished"], false);
  ASSERT_EQ(snapshot["trials"].size(), 4u);
  EXPECT_EQ(snapshot["front"], nlohmann::json::array({2, 0}));
  const auto& curve = snapshot["trials"][0]["curve"];
  ASSERT_EQ(curve.size(), 2u);
  EXPECT_EQ(curve[1]["epoch"], 2);
  EXPECT_DOUBLE_EQ(curve[1]["val_accuracy"].get<double>(), 0.9);
  EXPECT_DOUBLE_EQ(curve[0]["train_loss"].get<double>(), 1.5);
  EXPECT_TRUE(snapshot["trials"][3]["curve"].empty());
  EXPECT_EQ(snapshot["trials"][3]["status"], "over_budget");
  // The published points of ../shared/docs/methods.md, e.g. SNL's 50K -> 92.3 on CIFAR-10.
  EXPECT_EQ(snapshot["references"].size(), 38u);
  bool found = false;
  for (const auto& point : snapshot["references"])
    found |= point["method"] == "SNL" && point["relus"] == 50000 && point["dataset"] == "cifar10" &&
             point["accuracy"] == 0.923;
  EXPECT_TRUE(found);
}

TEST(Dashboard, LayerBreakdownSumsToTheTrialsReluCount) {
  const auto folder = sample_experiment("layers");
  DashboardData data(folder, {});
  const nlohmann::json detail = data.trial_detail(0);
  ASSERT_FALSE(detail.contains("unavailable")) << detail.dump();
  EXPECT_EQ(detail["model"], "relu-count");
  std::int64_t relus = 0;
  for (const auto& layer : detail["layers"]) relus += layer["relus"].get<std::int64_t>();
  EXPECT_EQ(relus, 75264);  // the preset's documented count
  EXPECT_EQ(detail["totals"]["relus"], 75264);
  // A trial without a network says why instead of failing.
  EXPECT_TRUE(data.trial_detail(1).contains("unavailable"));
  EXPECT_THROW(data.trial_detail(4), DashboardError);
  EXPECT_THROW(data.trial_detail(-1), DashboardError);
}

TEST(Dashboard, ReadsCommittedStateWhileTheSearchHoldsTheWriteLock) {
  const auto folder = sample_experiment("live");
  DashboardData data(folder, {});
  auto writer = TrialStore::open(folder / "trials.db");
  writer.begin();  // the search mid-transaction: BEGIN IMMEDIATE holds the write lock
  writer.put_trial(trial(4, 1000, 0.5, TrialStatus::kComplete));
  const auto start = std::chrono::steady_clock::now();
  const nlohmann::json before = data.snapshot();
  const double waited =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(before["trials"].size(), 4u);  // the uncommitted trial is not seen
  EXPECT_LT(waited, 2.0);                  // not blocked (the busy timeout is 10 s)
  writer.commit();                         // nor did the reader block the writer
  EXPECT_EQ(data.snapshot()["trials"].size(), 5u);
}

TEST(Dashboard, ReportPageInlinesTheDataSafely) {
  const auto folder = sample_experiment("report");
  {
    auto store = TrialStore::open(folder / "trials.db");
    TrialRecord hostile = trial(4, 100, 0.1, TrialStatus::kComplete);
    hostile.genotype = "</script><script>alert(1)</script>";
    store.put_trial(hostile);
  }
  DashboardData data(folder, {});
  const nlohmann::json report = data.report();
  ASSERT_TRUE(report["details"].contains("0"));
  EXPECT_FALSE(report["details"].contains("1"));  // no network
  EXPECT_FALSE(report["details"].contains("3"));  // over budget: never trained
  const std::string safe = script_safe_json(report);
  EXPECT_EQ(safe.find('<'), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(safe), report);
  const std::string page = dashboard_page(&report);
  EXPECT_EQ(page.find("<script>alert(1)"), std::string::npos);
  EXPECT_NE(page.find("<svg id=\"front\""), std::string::npos);
  EXPECT_EQ(page.find("/*PINAS_"), std::string::npos);  // every marker filled
  for (const char* external : {"src=\"http", "href=\"http", "<link", "@import", "url("})
    EXPECT_EQ(page.find(external), std::string::npos)
        << external;  // nothing fetched from elsewhere
  EXPECT_NE(dashboard_page().find(R"(id="pinas-data" type="application/json">null<)"),
            std::string::npos);
}

TEST(Dashboard, ReferencePointsAreChecked) {
  EXPECT_EQ(parse_reference_points(R"({"points": []})", "x").size(), 0u);
  try {
    parse_reference_points(
        R"({"points": [{"method": "SNL", "source": "s", "dataset": "cifar10", "relus": 5, "accuracy": 92.3}]})",
        "refs.json");
    FAIL() << "a percentage was taken for a fraction";
  } catch (const DashboardError& error) {
    EXPECT_NE(std::string(error.what()).find("refs.json: points[0]: accuracy 92.3"),
              std::string::npos)
        << error.what();
  }
  EXPECT_THROW(parse_reference_points("{", "bad.json"), DashboardError);
  EXPECT_THROW(parse_reference_points(R"({"points": [{"method": "SNL"}]})", "m.json"),
               DashboardError);
  EXPECT_EQ(dataset_family("cifar10:/data/c10"), "cifar10");
  EXPECT_EQ(dataset_family("fashion-mnist"), "fashion-mnist");
}

#ifdef PINAS_DASHBOARD_HTTP
TEST(DashboardServer, ServesThePageSnapshotAndTrialDetailsOverLoopback) {
  const auto folder = sample_experiment("server");
  DashboardData data(folder, {});
  DashboardServer server(data);
  const int port = server.bind("127.0.0.1", 0);
  ASSERT_GT(port, 0);
  std::thread serving([&server] { server.run(); });
  while (!server.running()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  httplib::Client client("127.0.0.1", port);
  auto page = client.Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("<svg id=\"front\""), std::string::npos);
  auto snapshot = client.Get("/api/snapshot");
  ASSERT_TRUE(snapshot);
  EXPECT_EQ(snapshot->status, 200);
  EXPECT_EQ(snapshot->get_header_value("Cache-Control"), "no-store");
  nlohmann::json served = nlohmann::json::parse(snapshot->body);
  nlohmann::json direct = data.snapshot();
  served["experiment"].erase("generated_at");
  direct["experiment"].erase("generated_at");
  EXPECT_EQ(served, direct);
  auto detail = client.Get("/api/trial/0");
  ASSERT_TRUE(detail);
  EXPECT_EQ(nlohmann::json::parse(detail->body)["totals"]["relus"], 75264);
  auto unknown = client.Get("/api/trial/9");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  EXPECT_NE(nlohmann::json::parse(unknown->body)["error"].get<std::string>().find("no trial 9"),
            std::string::npos);
  server.stop();
  serving.join();
}

TEST(DashboardServer, AnswersUnavailableUntilTheSearchCreatesItsStore) {
  const auto folder = fresh_folder("not_yet");
  DashboardData data(folder, {});
  DashboardServer server(data);
  const int port = server.bind("127.0.0.1", 0);
  std::thread serving([&server] { server.run(); });
  while (!server.running()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  httplib::Client client("127.0.0.1", port);
  auto snapshot = client.Get("/api/snapshot");
  ASSERT_TRUE(snapshot);
  EXPECT_EQ(snapshot->status, 503);
  EXPECT_NE(
      nlohmann::json::parse(snapshot->body)["error"].get<std::string>().find("does not exist"),
      std::string::npos);
  server.stop();
  serving.join();
}

TEST(DashboardServer, RefusesAPortInUse) {
  DashboardData data(fresh_folder("port"), {});
  DashboardServer first(data);
  const int port = first.bind("127.0.0.1", 0);
  DashboardServer second(data);
  EXPECT_THROW(second.bind("127.0.0.1", port), DashboardError);
}
#endif

}  // namespace
}  // namespace pinas::nas
