#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "nas/store/trial_record.h"
#include "proto/error.h"

struct sqlite3;
struct sqlite3_stmt;

namespace pinas::nas {

// A trial store that cannot be created, opened, read or written. The message
// names the database file and SQLite's reason.
class StoreError : public Error {
 public:
  using Error::Error;
};

// The SQLite database of one experiment (WAL mode, synchronous=NORMAL: a
// killed process loses no committed transaction). Every change between
// begin() and commit() lands atomically. One object per process; it is not
// thread-safe (the controller is its only writer). Readers such as
// `pinas status` or the sqlite3 shell may open the file concurrently.
class TrialStore {
 public:
  // Creates `path` with the schema and stores `config_text`. Throws
  // StoreError if it exists already or cannot be created.
  static TrialStore create(const std::filesystem::path& path, const std::string& config_text);
  // Opens an existing store; `read_only` for reporting commands. Throws
  // StoreError if missing or not a pinas trial store.
  static TrialStore open(const std::filesystem::path& path, bool read_only = false);

  TrialStore(TrialStore&& other) noexcept;
  TrialStore& operator=(TrialStore&& other) noexcept;
  ~TrialStore();

  // The schema as SQL text (identical to nas/store/schema.sql).
  static const char* schema_sql();

  // Transactions: begin() takes the write lock (BEGIN IMMEDIATE); commit()
  // makes everything since durable; rollback() discards it.
  void begin();
  void commit();
  void rollback();

  // Meta key/value pairs. get_meta returns nullopt for a missing key.
  void set_meta(const std::string& key, const std::string& value);
  std::optional<std::string> get_meta(const std::string& key);

  // Inserts a new trial row (its number must be new) or replaces an existing one.
  void put_trial(const TrialRecord& trial);
  // Inserts or replaces one epoch row.
  void put_epoch(const EpochRecord& epoch);
  // Deletes a trial's epoch rows after `after_epoch` (a re-run starts there).
  void delete_epochs_after(std::int64_t trial, int after_epoch);
  void save_strategy_state(const std::string& bytes);
  std::optional<std::string> strategy_state();

  // Every trial in number order / one trial's epochs in epoch order.
  std::vector<TrialRecord> trials();
  std::vector<EpochRecord> epochs(std::int64_t trial);
  // Trial counts by status name.
  std::vector<std::pair<std::string, std::int64_t>> status_counts();

  const std::filesystem::path& path() const { return path_; }

 private:
  TrialStore(const std::filesystem::path& path, sqlite3* database);
  void execute(const std::string& sql);
  // A prepared statement for `sql`, reset and cached for reuse.
  sqlite3_stmt* statement(const char* sql);
  void close();
  [[noreturn]] void fail(const std::string& what) const;

  std::filesystem::path path_;
  sqlite3* database_ = nullptr;
  std::unordered_map<const char*, sqlite3_stmt*> statements_;
};

}  // namespace pinas::nas
