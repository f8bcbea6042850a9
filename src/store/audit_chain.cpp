#include "store/audit_chain.h"

#include "clinic/time.h"

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
                                              sql::Type::Text,    sql::Type::Text, sql::Type::Text};

constexpr std::string_view kSelectEntries =
    "SELECT sequence, at, actor, action, entity, before_json, after_json, previous_hash, hash "
    "FROM audit_log WHERE sequence >= $1 ORDER BY sequence LIMIT $2";

StoredEntry to_entry(const sql::Row& row) {
  return StoredEntry{row.integer(0), row.text(1), row.text(2), row.text(3), row.text(4),
                     row.text(5),    row.text(6), row.text(7), row.text(8)};
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
  std::string out = "ketapath-audit-v1\n";
  field(out, "sequence", fmt::format("{}", entry.sequence));
  field(out, "at", entry.at);
  field(out, "actor", entry.actor);
  field(out, "action", entry.action);
  field(out, "entity", entry.entity);
  field(out, "before", entry.before_json);
  field(out, "after", entry.after_json);
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
                                  const clinic::AuditRecord& record) {
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

  StoredEntry entry{head->sequence + 1,
                    clinic::format_timestamp(record.at),
                    record.actor,
                    record.action,
                    record.entity,
                    record.before_json,
                    record.after_json,
                    head->hash,
                    ""};
  entry.hash = entry_hash(entry);
  KETAPATH_TRY(connection.execute(
      "INSERT INTO audit_log (sequence, at, actor, action, entity, before_json, after_json, "
      "previous_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
      {sql::integer(entry.sequence), sql::text(entry.at), sql::text(entry.actor),
       sql::text(entry.action), sql::text(entry.entity), sql::text(entry.before_json),
       sql::text(entry.after_json), sql::text(entry.previous_hash), sql::text(entry.hash)}));
  KETAPATH_TRY(
      connection.execute("UPDATE audit_head SET sequence = $1, hash = $2, mac = $3 WHERE id = 1",
                         {sql::integer(entry.sequence), sql::text(entry.hash),
                          sql::text(key.hmac_hex(head_message(entry.sequence, entry.hash)))}));
  return entry.sequence;
}

core::Result<std::vector<StoredEntry>> read(sql::Connection& connection, std::int64_t from,
                                            std::int64_t limit) {
  auto rows = KETAPATH_TRY(
      connection.query(kSelectEntries, {sql::integer(from), sql::integer(limit)}, kEntryColumns));
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

  std::int64_t expected_sequence = 1;
  std::string previous_hash;
  for (;;) {
    auto page = KETAPATH_TRY(read(connection, expected_sequence, kVerifyPage));
    for (const auto& entry : page) {
      std::string broken;
      if (entry.sequence != expected_sequence) {
        broken = fmt::format("entry {}: missing (next stored entry is {})", expected_sequence,
                             entry.sequence);
      } else if (entry.previous_hash != previous_hash) {
        broken = fmt::format("entry {}: previous hash does not match entry {}", entry.sequence,
                             entry.sequence - 1);
      } else if (entry_hash(entry) != entry.hash) {
        broken = fmt::format("entry {}: hash mismatch (the entry was altered)", entry.sequence);
      }
      if (!broken.empty()) {
        // The first broken entry is what matters: every later one inherits the break. `entries`
        // counts those verified before it.
        report.problems.push_back(std::move(broken));
        report.head_hash = head ? head->hash : "";
        return report;
      }
      previous_hash = entry.hash;
      ++expected_sequence;
      ++report.entries;
    }
    if (static_cast<std::int64_t>(page.size()) < kVerifyPage) {
      break;
    }
  }
  if (head) {
    report.head_hash = head->hash;
    if (head->sequence != report.entries) {
      report.problems.push_back(fmt::format(
          "head: points at entry {} but the log ends at entry {} (entries were {})", head->sequence,
          report.entries, head->sequence > report.entries ? "deleted" : "added"));
    } else if (head->hash != previous_hash) {
      report.problems.push_back(fmt::format(
          "head: hash does not match entry {} (the chain was recomputed)", head->sequence));
    }
  }
  report.intact = report.problems.empty();
  return report;
}

}  // namespace ketapath::store::audit
