#include "nas/store/trial_store.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <charconv>
#include <chrono>
#include <stdexcept>
#include <sstream>

#include "nas/store/detail/schema_text.h"

namespace pinas::nas {
namespace {

constexpr const char* kSchemaVersion = "1";

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string join_decisions(const std::vector<int>& decisions) {
  std::string text;
  for (std::size_t i = 0; i < decisions.size(); ++i) {
    if (i) text += ',';
    text += std::to_string(decisions[i]);
  }
  return text;
}

// Decisions as stored by join_decisions: comma-separated decimal integers.
// Throws std::invalid_argument naming the first item that is not one (no
// empty item, no trailing text, no overflow: std::stoi took "7x" as 7).
std::vector<int> split_decisions(const std::string& text) {
  std::vector<int> decisions;
  if (text.empty()) return decisions;
  std::size_t begin = 0;
  for (;;) {
    std::size_t end = text.find(',', begin);
    if (end == std::string::npos) end = text.size();
    int value = 0;
    const char* first = text.data() + begin;
    const char* last = text.data() + end;
    const auto [stop, error] = std::from_chars(first, last, value);
    if (first == last || error != std::errc() || stop != last) {
      throw std::invalid_argument("item '" + text.substr(begin, end - begin) + "' is not an int");
    }
    decisions.push_back(value);
    if (end == text.size()) return decisions;
    begin = end + 1;
  }
}

std::string column_text(sqlite3_stmt* statement, int column) {
  const unsigned char* text = sqlite3_column_text(statement, column);
  return text ? std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(sqlite3_column_bytes(statement, column)))
              : std::string();
}

std::string column_blob(sqlite3_stmt* statement, int column) {
  const void* blob = sqlite3_column_blob(statement, column);
  return blob ? std::string(static_cast<const char*>(blob), static_cast<std::size_t>(sqlite3_column_bytes(statement, column)))
              : std::string();
}

std::optional<double> column_optional(sqlite3_stmt* statement, int column) {
  if (sqlite3_column_type(statement, column) == SQLITE_NULL) return std::nullopt;
  return sqlite3_column_double(statement, column);
}

}  // namespace

TrialStore::TrialStore(const std::filesystem::path& path, sqlite3* database) : path_(path), database_(database) {}

TrialStore::TrialStore(TrialStore&& other) noexcept
    : path_(std::move(other.path_)), database_(other.database_), statements_(std::move(other.statements_)) {
  other.database_ = nullptr;
  other.statements_.clear();
}

TrialStore& TrialStore::operator=(TrialStore&& other) noexcept {
  if (this != &other) {
    close();
    path_ = std::move(other.path_);
    database_ = other.database_;
    statements_ = std::move(other.statements_);
    other.database_ = nullptr;
    other.statements_.clear();
  }
  return *this;
}

TrialStore::~TrialStore() { close(); }

void TrialStore::close() {
  for (auto& [sql, prepared] : statements_) sqlite3_finalize(prepared);
  statements_.clear();
  if (database_) sqlite3_close(database_);
  database_ = nullptr;
}

const char* TrialStore::schema_sql() { return detail::kSchemaSql; }

void TrialStore::fail(const std::string& what) const {
  throw StoreError(fmt::format("trial store {}: {}: {}", path_.string(), what,
                               database_ ? sqlite3_errmsg(database_) : "cannot open"));
}

void TrialStore::execute(const std::string& sql) {
  char* message = nullptr;
  if (sqlite3_exec(database_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    std::string reason = message ? message : "unknown error";
    sqlite3_free(message);
    throw StoreError(fmt::format("trial store {}: {}", path_.string(), reason));
  }
}

sqlite3_stmt* TrialStore::statement(const char* sql) {
  auto found = statements_.find(sql);
  if (found != statements_.end()) {
    sqlite3_reset(found->second);
    sqlite3_clear_bindings(found->second);
    return found->second;
  }
  sqlite3_stmt* prepared = nullptr;
  if (sqlite3_prepare_v2(database_, sql, -1, &prepared, nullptr) != SQLITE_OK) fail("cannot prepare a query");
  statements_.emplace(sql, prepared);
  return prepared;
}

TrialStore TrialStore::create(const std::filesystem::path& path, const std::string& config_text) {
  if (std::filesystem::exists(path))
    throw StoreError(fmt::format("trial store {} exists already (use --resume to continue it)", path.string()));
  // Built under a temporary name and renamed once complete, so a process
  // killed while creating leaves no half-made store behind.
  std::filesystem::path building = path.string() + ".creating";
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(building.string() + suffix);
  {
    sqlite3* database = nullptr;
    int code = sqlite3_open_v2(building.c_str(), &database, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    TrialStore store(path, database);
    if (code != SQLITE_OK) store.fail("cannot create");
    store.execute("PRAGMA busy_timeout=10000;");
    store.begin();
    store.execute(schema_sql());
    store.set_meta("schema_version", kSchemaVersion);
    store.set_meta("config", config_text);
    store.set_meta("created_at", fmt::format("{:.3f}", now_seconds()));
    store.commit();
  }
  std::filesystem::rename(building, path);
  return open(path);
}

TrialStore TrialStore::open(const std::filesystem::path& path, bool read_only) {
  if (!std::filesystem::exists(path))
    throw StoreError(fmt::format("trial store {} does not exist (is this an experiment folder?)", path.string()));
  sqlite3* database = nullptr;
  int flags = read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
  int code = sqlite3_open_v2(path.c_str(), &database, flags, nullptr);
  TrialStore store(path, database);
  if (code != SQLITE_OK) store.fail("cannot open");
  store.execute("PRAGMA busy_timeout=10000;");
  if (!read_only) store.execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
  std::optional<std::string> version;
  try {
    version = store.get_meta("schema_version");
  } catch (const StoreError&) {
    throw StoreError(fmt::format("trial store {} is not a pinas trial store", path.string()));
  }
  if (version != kSchemaVersion)
    throw StoreError(fmt::format("trial store {} has schema version {} (expected {})", path.string(),
                                 version.value_or("none"), kSchemaVersion));
  return store;
}

void TrialStore::begin() { execute("BEGIN IMMEDIATE"); }
void TrialStore::commit() { execute("COMMIT"); }
void TrialStore::rollback() { execute("ROLLBACK"); }

void TrialStore::set_meta(const std::string& key, const std::string& value) {
  sqlite3_stmt* query = statement("INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)");
  sqlite3_bind_text(query, 1, key.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(query, 2, value.c_str(), -1, SQLITE_TRANSIENT);
  if (sqlite3_step(query) != SQLITE_DONE) fail("cannot write meta " + key);
}

std::optional<std::string> TrialStore::get_meta(const std::string& key) {
  sqlite3_stmt* query = statement("SELECT value FROM meta WHERE key = ?");
  sqlite3_bind_text(query, 1, key.c_str(), -1, SQLITE_TRANSIENT);
  int code = sqlite3_step(query);
  std::optional<std::string> value;
  if (code == SQLITE_ROW) value = column_text(query, 0);
  else if (code != SQLITE_DONE) fail("cannot read meta " + key);
  sqlite3_reset(query);  // ends the statement's read transaction
  return value;
}

void TrialStore::put_trial(const TrialRecord& trial) {
  sqlite3_stmt* query = statement(
      // An upsert, not INSERT OR REPLACE: a genotype already stored under
      // another number must fail (never trained twice), not delete that row.
      "INSERT INTO trials(number, genotype, genotype_proto, decisions, relus, macs, params, cost, status, "
      "rung, epochs, val_accuracy, test_accuracy, failure_reason, worker, created_at, started_at, finished_at, "
      "train_seconds, job_sequence, model_path) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
      "ON CONFLICT(number) DO UPDATE SET genotype = excluded.genotype, genotype_proto = excluded.genotype_proto, "
      "decisions = excluded.decisions, relus = excluded.relus, macs = excluded.macs, params = excluded.params, "
      "cost = excluded.cost, status = excluded.status, rung = excluded.rung, epochs = excluded.epochs, "
      "val_accuracy = excluded.val_accuracy, test_accuracy = excluded.test_accuracy, "
      "failure_reason = excluded.failure_reason, worker = excluded.worker, created_at = excluded.created_at, "
      "started_at = excluded.started_at, finished_at = excluded.finished_at, train_seconds = excluded.train_seconds, "
      "job_sequence = excluded.job_sequence, model_path = excluded.model_path");
  std::string decisions = join_decisions(trial.decisions);
  sqlite3_bind_int64(query, 1, trial.number);
  sqlite3_bind_text(query, 2, trial.genotype.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_blob(query, 3, trial.genotype_proto.data(), static_cast<int>(trial.genotype_proto.size()), SQLITE_TRANSIENT);
  sqlite3_bind_text(query, 4, decisions.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(query, 5, trial.relus);
  sqlite3_bind_int64(query, 6, trial.macs);
  sqlite3_bind_int64(query, 7, trial.params);
  sqlite3_bind_double(query, 8, trial.cost);
  sqlite3_bind_text(query, 9, status_name(trial.status), -1, SQLITE_STATIC);
  sqlite3_bind_int(query, 10, trial.rung);
  sqlite3_bind_int(query, 11, trial.epochs);
  if (trial.val_accuracy) sqlite3_bind_double(query, 12, *trial.val_accuracy);
  else sqlite3_bind_null(query, 12);
  if (trial.test_accuracy) sqlite3_bind_double(query, 13, *trial.test_accuracy);
  else sqlite3_bind_null(query, 13);
  sqlite3_bind_text(query, 14, trial.failure_reason.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(query, 15, trial.worker.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_double(query, 16, trial.created_at);
  sqlite3_bind_double(query, 17, trial.started_at);
  sqlite3_bind_double(query, 18, trial.finished_at);
  sqlite3_bind_double(query, 19, trial.train_seconds);
  sqlite3_bind_int64(query, 20, trial.job_sequence);
  sqlite3_bind_text(query, 21, trial.model_path.c_str(), -1, SQLITE_TRANSIENT);
  if (sqlite3_step(query) != SQLITE_DONE) fail(fmt::format("cannot write trial {}", trial.number));
}

void TrialStore::put_epoch(const EpochRecord& epoch) {
  sqlite3_stmt* query = statement(
      "INSERT OR REPLACE INTO epochs(trial, epoch, train_loss, train_accuracy, val_accuracy, seconds) "
      "VALUES(?,?,?,?,?,?)");
  sqlite3_bind_int64(query, 1, epoch.trial);
  sqlite3_bind_int(query, 2, epoch.epoch);
  sqlite3_bind_double(query, 3, epoch.train_loss);
  sqlite3_bind_double(query, 4, epoch.train_accuracy);
  sqlite3_bind_double(query, 5, epoch.val_accuracy);
  sqlite3_bind_double(query, 6, epoch.seconds);
  if (sqlite3_step(query) != SQLITE_DONE) fail(fmt::format("cannot write epoch {} of trial {}", epoch.epoch, epoch.trial));
}

void TrialStore::delete_epochs_after(std::int64_t trial, int after_epoch) {
  sqlite3_stmt* query = statement("DELETE FROM epochs WHERE trial = ? AND epoch > ?");
  sqlite3_bind_int64(query, 1, trial);
  sqlite3_bind_int(query, 2, after_epoch);
  if (sqlite3_step(query) != SQLITE_DONE) fail(fmt::format("cannot delete epochs of trial {}", trial));
}

void TrialStore::save_strategy_state(const std::string& bytes) {
  sqlite3_stmt* query = statement("INSERT OR REPLACE INTO strategy_state(id, state, updated_at) VALUES(1, ?, ?)");
  sqlite3_bind_blob(query, 1, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  sqlite3_bind_double(query, 2, now_seconds());
  if (sqlite3_step(query) != SQLITE_DONE) fail("cannot write the strategy state");
}

std::optional<std::string> TrialStore::strategy_state() {
  sqlite3_stmt* query = statement("SELECT state FROM strategy_state WHERE id = 1");
  int code = sqlite3_step(query);
  std::optional<std::string> state;
  if (code == SQLITE_ROW) state = column_blob(query, 0);
  else if (code != SQLITE_DONE) fail("cannot read the strategy state");
  sqlite3_reset(query);
  return state;
}

std::vector<TrialRecord> TrialStore::trials() {
  sqlite3_stmt* query = statement(
      "SELECT number, genotype, genotype_proto, decisions, relus, macs, params, cost, status, rung, epochs, "
      "val_accuracy, test_accuracy, failure_reason, worker, created_at, started_at, finished_at, train_seconds, "
      "job_sequence, model_path FROM trials ORDER BY number");
  std::vector<TrialRecord> trials;
  int code;
  while ((code = sqlite3_step(query)) == SQLITE_ROW) {
    TrialRecord trial;
    trial.number = sqlite3_column_int64(query, 0);
    trial.genotype = column_text(query, 1);
    trial.genotype_proto = column_blob(query, 2);
    try {
      trial.decisions = split_decisions(column_text(query, 3));
    } catch (const std::invalid_argument& error) {
      throw StoreError(fmt::format("trial store {}: trial {} has malformed decisions \"{}\": {}", path_.string(),
                                   trial.number, column_text(query, 3), error.what()));
    }
    trial.relus = sqlite3_column_int64(query, 4);
    trial.macs = sqlite3_column_int64(query, 5);
    trial.params = sqlite3_column_int64(query, 6);
    trial.cost = sqlite3_column_double(query, 7);
    trial.status = parse_status(column_text(query, 8));
    trial.rung = sqlite3_column_int(query, 9);
    trial.epochs = sqlite3_column_int(query, 10);
    trial.val_accuracy = column_optional(query, 11);
    trial.test_accuracy = column_optional(query, 12);
    trial.failure_reason = column_text(query, 13);
    trial.worker = column_text(query, 14);
    trial.created_at = sqlite3_column_double(query, 15);
    trial.started_at = sqlite3_column_double(query, 16);
    trial.finished_at = sqlite3_column_double(query, 17);
    trial.train_seconds = sqlite3_column_double(query, 18);
    trial.job_sequence = sqlite3_column_int64(query, 19);
    trial.model_path = column_text(query, 20);
    trials.push_back(std::move(trial));
  }
  if (code != SQLITE_DONE) fail("cannot read trials");
  return trials;
}

std::vector<EpochRecord> TrialStore::epochs(std::int64_t trial) {
  sqlite3_stmt* query = statement(
      "SELECT trial, epoch, train_loss, train_accuracy, val_accuracy, seconds FROM epochs WHERE trial = ? ORDER BY epoch");
  sqlite3_bind_int64(query, 1, trial);
  std::vector<EpochRecord> epochs;
  int code;
  while ((code = sqlite3_step(query)) == SQLITE_ROW) {
    epochs.push_back({sqlite3_column_int64(query, 0), sqlite3_column_int(query, 1), sqlite3_column_double(query, 2),
                      sqlite3_column_double(query, 3), sqlite3_column_double(query, 4), sqlite3_column_double(query, 5)});
  }
  if (code != SQLITE_DONE) fail("cannot read epochs");
  return epochs;
}

std::vector<std::pair<std::string, std::int64_t>> TrialStore::status_counts() {
  sqlite3_stmt* query = statement("SELECT status, COUNT(*) FROM trials GROUP BY status ORDER BY status");
  std::vector<std::pair<std::string, std::int64_t>> counts;
  int code;
  while ((code = sqlite3_step(query)) == SQLITE_ROW) counts.emplace_back(column_text(query, 0), sqlite3_column_int64(query, 1));
  if (code != SQLITE_DONE) fail("cannot count trials");
  return counts;
}

}  // namespace pinas::nas
