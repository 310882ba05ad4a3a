#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
#include <sstream>

#include "nas/store/trial_store.h"

namespace pinas::nas {
namespace {

std::filesystem::path fresh_folder(const std::string& name) {
  auto folder = std::filesystem::temp_directory_path() / ("pinas_test_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(folder);
  std::filesystem::create_directories(folder);
  return folder;
}

TrialRecord sample_trial(std::int64_t number) {
  TrialRecord trial;
  trial.number = number;
  trial.genotype = "g" + std::to_string(number);
  trial.genotype_proto = std::string("\0\1\2binary", 9);
  trial.decisions = {1, 0, 3};
  trial.relus = 1234;
  trial.macs = 99999;
  trial.params = 42;
  trial.cost = 1234;
  trial.status = TrialStatus::kPaused;
  trial.rung = 1;
  trial.epochs = 3;
  trial.val_accuracy = 0.75;
  trial.failure_reason = "";
  trial.worker = "rank 2";
  trial.created_at = 10.5;
  trial.job_sequence = 7;
  trial.model_path = "trials/0/model.pb";
  return trial;
}

TEST(TrialStore, RoundTripsTrialsEpochsMetaAndState) {
  auto folder = fresh_folder("round_trip");
  {
    auto store = TrialStore::create(folder / "trials.db", "name: \"x\"");
    store.begin();
    store.put_trial(sample_trial(0));
    store.put_trial(sample_trial(1));
    store.put_epoch({1, 1, 2.0, 0.3, 0.4, 1.5});
    store.put_epoch({1, 2, 1.0, 0.5, 0.6, 1.5});
    store.save_strategy_state(std::string("\0state", 6));
    store.commit();
  }
  auto store = TrialStore::open(folder / "trials.db", true);
  auto trials = store.trials();
  ASSERT_EQ(trials.size(), 2u);
  EXPECT_EQ(trials[1].genotype, "g1");
  EXPECT_EQ(trials[1].genotype_proto, std::string("\0\1\2binary", 9));
  EXPECT_EQ(trials[1].decisions, (std::vector<int>{1, 0, 3}));
  EXPECT_EQ(trials[1].status, TrialStatus::kPaused);
  EXPECT_EQ(trials[1].val_accuracy, 0.75);
  EXPECT_FALSE(trials[1].test_accuracy.has_value());
  EXPECT_EQ(trials[1].worker, "rank 2");
  EXPECT_EQ(trials[1].model_path, "trials/0/model.pb");
  auto epochs = store.epochs(1);
  ASSERT_EQ(epochs.size(), 2u);
  EXPECT_EQ(epochs[1].val_accuracy, 0.6);
  EXPECT_EQ(store.strategy_state(), std::string("\0state", 6));
  EXPECT_EQ(store.get_meta("config"), "name: \"x\"");
  std::filesystem::remove_all(folder);
}

TEST(TrialStore, RolledBackTransactionLeavesNoTrace) {
  auto folder = fresh_folder("rollback");
  auto store = TrialStore::create(folder / "trials.db", "");
  store.begin();
  store.put_trial(sample_trial(0));
  store.rollback();
  EXPECT_TRUE(store.trials().empty());
  std::filesystem::remove_all(folder);
}

TEST(TrialStore, UsesWalAndRefusesDuplicatesAndForeignFiles) {
  auto folder = fresh_folder("wal");
  auto store = TrialStore::create(folder / "trials.db", "");
  EXPECT_THROW(TrialStore::create(folder / "trials.db", ""), StoreError);
  store.begin();
  store.put_trial(sample_trial(0));
  auto duplicate = sample_trial(1);
  duplicate.genotype = "g0";  // same genotype, new number: the UNIQUE constraint refuses it
  EXPECT_THROW(store.put_trial(duplicate), StoreError);
  store.rollback();
  sqlite3* database = nullptr;
  ASSERT_EQ(sqlite3_open((folder / "trials.db").c_str(), &database), SQLITE_OK);
  sqlite3_stmt* query = nullptr;
  sqlite3_prepare_v2(database, "PRAGMA journal_mode", -1, &query, nullptr);
  ASSERT_EQ(sqlite3_step(query), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(query, 0)), "wal");
  sqlite3_finalize(query);
  sqlite3_close(database);
  { std::ofstream(folder / "foreign.db") << "not a database, just text that is long enough to be a header......"; }
  EXPECT_THROW(TrialStore::open(folder / "foreign.db"), StoreError);
  EXPECT_THROW(TrialStore::open(folder / "missing.db"), StoreError);
  std::filesystem::remove_all(folder);
}

TEST(TrialStore, SchemaFileMatchesTheEmbeddedSchema) {
  std::ifstream in(std::filesystem::path(PINAS_SOURCE_DIR) / "nas/store/schema.sql");
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), TrialStore::schema_sql());
}

}  // namespace
}  // namespace pinas::nas

namespace pinas::nas {
namespace {

// Decisions stored as text are parsed strictly: "1,7x" is refused naming the
// trial and the item (std::stoi used to read it as 1, 7).
TEST(TrialStore, RefusesMalformedStoredDecisionsNamingTheTrial) {
  auto folder = fresh_folder("malformed_decisions");
  {
    auto store = TrialStore::create(folder / "trials.db", "name: \"x\"");
    store.begin();
    store.put_trial(sample_trial(4));
    store.commit();
  }
  for (const char* text : {"1,7x", "1,,2", "99999999999", "-"}) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((folder / "trials.db").c_str(), &db), SQLITE_OK);
    const std::string update = std::string("UPDATE trials SET decisions = '") + text + "'";
    ASSERT_EQ(sqlite3_exec(db, update.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
    auto store = TrialStore::open(folder / "trials.db", true);
    try {
      store.trials();
      ADD_FAILURE() << "decisions '" << text << "' were accepted";
    } catch (const StoreError& error) {
      EXPECT_NE(std::string(error.what()).find("trial 4 has malformed decisions"), std::string::npos)
          << error.what();
      EXPECT_NE(std::string(error.what()).find("is not an int"), std::string::npos) << error.what();
    }
  }
  std::filesystem::remove_all(folder);
}

}  // namespace
}  // namespace pinas::nas
