#include "store/audit_chain.h"

#include <algorithm>
#include <chrono>

#include "clinic/domain/time.h"
#include "store/row_evidence.h"

namespace ketapath::store::audit {
namespace {

using core::ErrorCode;

constexpr std::int64_t kVerifyPage = 1000;

void field(std::string& out, std::string_view name, std::string_view value) {
  // name:<byte length>:<bytes>\n -- the length makes the encoding unambiguous for any bytes.
  fmt::format_to(std::back_inserter(out), "{}:{}:", name, value.size());
  out.append(value);
  out.push_back('\n');
}

const std::vector<sql::Type> kEntryColumns = {sql::Type::Integer, sql::Type::Text, sql::Type::Text,
                                              sql::Type::Text,    sql::Type::Text, sql::Type::Text,
                                              sql::Type::Text,    sql::Type::Text, sql::Type::Text,
                                              sql::Type::Integer, sql::Type::Text};

constexpr std::string_view kSelectEntries =
    "SELECT sequence, at, actor, action, entity, before_json, after_json, previous_hash, hash, "
    "entry_format, row_digests FROM audit_log WHERE sequence >= $1 ORDER BY sequence LIMIT $2";
// Before the row-evidence migration every entry is of format 1.
constexpr std::string_view kSelectLegacyEntries =
    "SELECT sequence, at, actor, action, entity, before_json, after_json, previous_hash, hash, "
    "1, '' FROM audit_log WHERE sequence >= $1 ORDER BY sequence LIMIT $2";

StoredEntry to_entry(const sql::Row& row) {
  return StoredEntry{
      row.integer(0), row.text(1), row.text(2), row.text(3), row.text(4),
      row.text(5),    row.text(6), row.text(7), row.text(8), static_cast<int>(row.integer(9)),
      row.text(10)};
}

/// Problems are reported after this many mismatched rows, with a count of the rest.
constexpr std::size_t kMaxRowProblems = 50;

/// The chain walked from `from` (whose predecessor's hash is `previous_hash`) to its end.
struct Walk {
  std::int64_t verified = 0;       ///< entries verified
  std::int64_t last_sequence = 0;  ///< of the last verified entry (from - 1 when none)
  std::string last_hash;           ///< of the last verified entry
  std::string problem;             ///< the first broken entry, or ""
};

core::Result<Walk> walk(sql::Connection& connection, std::int64_t from, std::string previous_hash,
                        bool with_evidence, evidence::ExpectedRows* expected) {
  Walk result;
  result.last_sequence = from - 1;
  result.last_hash = std::move(previous_hash);
  std::int64_t expected_sequence = from;
  for (;;) {
    auto page = KETAPATH_TRY(read(connection, expected_sequence, kVerifyPage, with_evidence));
    for (const auto& entry : page) {
      if (entry.sequence != expected_sequence) {
        result.problem = fmt::format("entry {}: missing (next stored entry is {})",
                                     expected_sequence, entry.sequence);
      } else if (entry.previous_hash != result.last_hash) {
        result.problem = fmt::format("entry {}: previous hash does not match entry {}",
                                     entry.sequence, entry.sequence - 1);
      } else if (entry.format != 1 && entry.format != kEntryFormat) {
        result.problem = fmt::format("entry {}: unknown format {}", entry.sequence, entry.format);
      } else if (entry_hash(entry) != entry.hash) {
        result.problem =
            fmt::format("entry {}: hash mismatch (the entry was altered)", entry.sequence);
      } else if (expected != nullptr) {
        if (auto replayed = evidence::replay(*expected, entry.sequence, entry.row_digests);
            !replayed) {
          result.problem = fmt::format("entry {}: {}", entry.sequence, replayed.error().message);
        }
      }
      if (!result.problem.empty()) {
        // The first broken entry is what matters: every later one inherits the break.
        return result;
      }
      result.last_hash = entry.hash;
      result.last_sequence = entry.sequence;
      ++expected_sequence;
      ++result.verified;
    }
    if (static_cast<std::int64_t>(page.size()) < kVerifyPage) {
      break;
    }
  }
  return result;
}

struct Head {
  std::int64_t sequence = 0;
  std::string hash;
  std::string mac;
};

core::Result<std::optional<Head>> read_head(sql::Connection& connection, bool lock) {
  const std::string query = fmt::format("SELECT sequence, hash, mac FROM audit_head WHERE id = 1{}",
                                        lock ? connection.lock_rows_suffix() : "");
  auto row = KETAPATH_TRY(
      connection.query_one(query, {}, {sql::Type::Integer, sql::Type::Text, sql::Type::Text}));
  if (!row) {
    return std::optional<Head>{};
  }
  return std::optional<Head>(Head{row->integer(0), row->text(1), row->text(2)});
}

}  // namespace

std::string canonical(const StoredEntry& entry) {
  std::string out = fmt::format("ketapath-audit-v{}\n", entry.format);
  field(out, "sequence", fmt::format("{}", entry.sequence));
  field(out, "at", entry.at);
  field(out, "actor", entry.actor);
  field(out, "action", entry.action);
  field(out, "entity", entry.entity);
  field(out, "before", entry.before_json);
  field(out, "after", entry.after_json);
  if (entry.format >= 2) {
    field(out, "rows", entry.row_digests);
  }
  return out;
}

std::string entry_hash(const StoredEntry& entry) {
  return sha256_hex(entry.previous_hash + canonical(entry));
}

std::string head_message(std::int64_t sequence, std::string_view hash) {
  return fmt::format("ketapath-audit-head-v1\nsequence:{}\nhash:{}\n", sequence, hash);
}

core::Result<bool> head_exists(sql::Connection& connection) {
  auto head = KETAPATH_TRY(read_head(connection, false));
  return head.has_value();
}

core::Status create_head(sql::Connection& connection, const ClinicKey& key) {
  auto head = KETAPATH_TRY(read_head(connection, true));
  if (head) {
    return {};
  }
  auto first = KETAPATH_TRY(
      connection.query_one("SELECT MAX(sequence) FROM audit_log", {}, {sql::Type::Integer}));
  if (first && !first->is_null(0)) {
    // Entries without a head: the head was removed. Re-creating it would hide that.
    return core::fail(ErrorCode::Integrity,
                      "audit: the log has {} entries but no head; refusing to create a new head",
                      first->integer(0));
  }
  return connection.execute(
      "INSERT INTO audit_head (id, sequence, hash, mac) VALUES (1, 0, '', $1)",
      {sql::text(key.hmac_hex(head_message(0, "")))});
}

core::Result<std::int64_t> append(sql::Connection& connection, const ClinicKey& key,
                                  const clinic::AuditRecord& record, std::string_view row_digests,
                                  VerifiedHead& verified) {
  // Locks the head first (PostgreSQL: FOR UPDATE; SQLite: the write transaction already holds the
  // database lock), so concurrent writers chain one after another.
  auto head = KETAPATH_TRY(read_head(connection, true));
  if (!head) {
    return core::fail(ErrorCode::Storage, "audit: the log has no head; run `ketapath clinic init`");
  }
  if (!key.verify_hex(head_message(head->sequence, head->hash), head->mac)) {
    return core::fail(ErrorCode::Integrity,
                      "audit: head HMAC does not match (sequence {}); the log was altered or the "
                      "clinic key is wrong; run `ketapath clinic audit verify`",
                      head->sequence);
  }
  auto newest = KETAPATH_TRY(
      connection.query_one("SELECT sequence, hash FROM audit_log ORDER BY sequence DESC LIMIT 1",
                           {}, {sql::Type::Integer, sql::Type::Text}));
  const std::int64_t newest_sequence = newest ? newest->integer(0) : 0;
  const std::string newest_hash = newest ? newest->text(1) : "";
  if (newest_sequence != head->sequence || newest_hash != head->hash) {
    return core::fail(ErrorCode::Integrity,
                      "audit: newest entry {} does not match the head (sequence {}); run "
                      "`ketapath clinic audit verify`",
                      newest_sequence, head->sequence);
  }
  // A deleted or inserted middle entry: the count no longer matches the head (an index count).
  auto counted = KETAPATH_TRY(
      connection.query_one("SELECT COUNT(*), COALESCE(MIN(sequence), 0) FROM audit_log", {},
                           {sql::Type::Integer, sql::Type::Integer}));
  const std::int64_t count = counted ? counted->integer(0) : 0;
  const std::int64_t first = counted ? counted->integer(1) : 0;
  if (count != head->sequence || (count > 0 && first != 1)) {
    return core::fail(ErrorCode::Integrity,
                      "audit: the log holds {} entries (from {}) but its head says {}: entries "
                      "were deleted or inserted; refusing to extend it; run `ketapath clinic "
                      "audit verify`",
                      count, first, head->sequence);
  }
  // Edited entries: re-walk what this process has not verified yet (everything, on its first
  // write), from the last verified head when it is still part of the log.
  if (verified.sequence != head->sequence || verified.hash != head->hash) {
    std::int64_t from = 1;
    std::string previous;
    if (verified.sequence > 0 && verified.sequence < head->sequence) {
      auto at = KETAPATH_TRY(read(connection, verified.sequence, 1));
      if (!at.empty() && at.front().sequence == verified.sequence &&
          at.front().hash == verified.hash && entry_hash(at.front()) == at.front().hash) {
        from = verified.sequence + 1;
        previous = verified.hash;
      }
    }
    const auto checked = KETAPATH_TRY(walk(connection, from, previous, true, nullptr));
    if (!checked.problem.empty()) {
      verified = {};
      return core::fail(ErrorCode::Integrity,
                        "audit: the log does not verify ({}); refusing to extend it; run "
                        "`ketapath clinic audit verify`",
                        checked.problem);
    }
    verified = VerifiedHead{head->sequence, head->hash};
  }

  StoredEntry entry{head->sequence + 1,
                    clinic::format_timestamp(record.at),
                    record.actor,
                    record.action,
                    record.entity,
                    record.before_json,
                    record.after_json,
                    head->hash,
                    "",
                    kEntryFormat,
                    std::string(row_digests)};
  entry.hash = entry_hash(entry);
  KETAPATH_TRY(connection.execute(
      "INSERT INTO audit_log (sequence, at, actor, action, entity, before_json, after_json, "
      "previous_hash, hash, entry_format, row_digests) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
      {sql::integer(entry.sequence), sql::text(entry.at), sql::text(entry.actor),
       sql::text(entry.action), sql::text(entry.entity), sql::text(entry.before_json),
       sql::text(entry.after_json), sql::text(entry.previous_hash), sql::text(entry.hash),
       sql::integer(entry.format), sql::text(entry.row_digests)}));
  KETAPATH_TRY(
      connection.execute("UPDATE audit_head SET sequence = $1, hash = $2, mac = $3 WHERE id = 1",
                         {sql::integer(entry.sequence), sql::text(entry.hash),
                          sql::text(key.hmac_hex(head_message(entry.sequence, entry.hash)))}));
  verified = VerifiedHead{entry.sequence, entry.hash};
  return entry.sequence;
}

core::Result<bool> has_row_evidence(sql::Connection& connection) {
  const auto shape = KETAPATH_TRY(evidence::table_shape(connection, "audit_log"));
  return std::any_of(shape.columns.begin(), shape.columns.end(),
                     [](const evidence::Column& c) { return c.name == "row_digests"; });
}

core::Result<std::vector<StoredEntry>> read(sql::Connection& connection, std::int64_t from,
                                            std::int64_t limit, bool with_evidence) {
  auto rows =
      KETAPATH_TRY(connection.query(with_evidence ? kSelectEntries : kSelectLegacyEntries,
                                    {sql::integer(from), sql::integer(limit)}, kEntryColumns));
  std::vector<StoredEntry> entries;
  entries.reserve(rows.size());
  for (const auto& row : rows) {
    entries.push_back(to_entry(row));
  }
  return entries;
}

core::Result<clinic::AuditVerification> verify(sql::Connection& connection, const ClinicKey& key) {
  clinic::AuditVerification report;
  auto head = KETAPATH_TRY(read_head(connection, false));
  if (!head) {
    report.problems.push_back("head: missing (the log was never initialised or was removed)");
  } else if (!key.verify_hex(head_message(head->sequence, head->hash), head->mac)) {
    report.problems.push_back(fmt::format(
        "head: HMAC mismatch at sequence {} (the head was rewritten without the clinic key, or "
        "the key is wrong)",
        head->sequence));
  }
  auto last = KETAPATH_TRY(
      connection.query_one("SELECT MAX(sequence) FROM audit_log", {}, {sql::Type::Integer}));
  report.last_sequence = last && !last->is_null(0) ? last->integer(0) : 0;

  const bool with_evidence = KETAPATH_TRY(has_row_evidence(connection));
  evidence::ExpectedRows expected;
  const auto chain = KETAPATH_TRY(walk(connection, 1, "", with_evidence, &expected));
  report.entries = chain.verified;
  report.head_hash = head ? head->hash : "";
  if (!chain.problem.empty()) {
    // `entries` counts those verified before the break; the rows cannot be judged against a
    // broken log.
    report.problems.push_back(chain.problem);
    return report;
  }
  if (head) {
    if (head->sequence != report.entries) {
      report.problems.push_back(fmt::format(
          "head: points at entry {} but the log ends at entry {} (entries were {})", head->sequence,
          report.entries, head->sequence > report.entries ? "deleted" : "added"));
    } else if (head->hash != chain.last_hash) {
      report.problems.push_back(fmt::format(
          "head: hash does not match entry {} (the chain was recomputed)", head->sequence));
    }
  }
  if (with_evidence) {
    const auto rows = KETAPATH_TRY(evidence::reconcile(connection, expected));
    report.rows_checked = rows.rows;
    for (const auto& problem : rows.uncovered) {
      report.problems.push_back(problem);
    }
    for (std::size_t i = 0; i < rows.mismatches.size() && i < kMaxRowProblems; ++i) {
      report.problems.push_back(rows.mismatches[i].describe());
    }
    if (rows.mismatches.size() > kMaxRowProblems) {
      report.problems.push_back(fmt::format("... and {} more rows that do not match the log",
                                            rows.mismatches.size() - kMaxRowProblems));
    }
  }
  report.intact = report.problems.empty();
  return report;
}

core::Status rebase(sql::Connection& connection, const ClinicKey& key, int version,
                    std::string_view name, VerifiedHead& verified) {
  if (!KETAPATH_TRY(has_row_evidence(connection))) {
    return {};  // a step before the one that adds row evidence: nothing recorded yet
  }
  evidence::ExpectedRows expected;
  const auto chain = KETAPATH_TRY(walk(connection, 1, "", true, &expected));
  if (!chain.problem.empty()) {
    return core::fail(ErrorCode::Integrity,
                      "migration {} ({}): the audit log does not verify ({}); refusing to re-base "
                      "the row evidence; run `ketapath clinic audit verify`",
                      version, name, chain.problem);
  }
  const auto rows = KETAPATH_TRY(evidence::reconcile(connection, expected));
  if (!rows.uncovered.empty()) {
    return core::fail(ErrorCode::Internal, "migration {} ({}): {}", version, name,
                      rows.uncovered.front());
  }
  if (rows.mismatches.empty()) {
    return {};
  }
  std::vector<evidence::RowState> states;
  states.reserve(rows.mismatches.size());
  for (const auto& mismatch : rows.mismatches) {
    states.push_back(mismatch.now);
  }
  const auto at = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  const std::string after =
      fmt::format(R"({{"migration":{},"name":"{}","row_format":"{}","rows":{}}})", version, name,
                  evidence::kRowFormat, states.size());
  KETAPATH_TRY(append(connection, key,
                      clinic::AuditRecord{at, "ketapath-migration", "store.rebase",
                                          fmt::format("schema/{}", version), "null", after},
                      evidence::encode(std::move(states)), verified));
  return {};
}

}  // namespace ketapath::store::audit
