#include <nlohmann/json.hpp>

#include "clinic/domain/drug_library.h"
#include "store/repositories/repositories.h"

namespace ketapath::store::repositories {
namespace {

using nlohmann::json;

constexpr std::string_view kSelect = "SELECT id, name, advisory FROM drugs";
const std::vector<sql::Type> kColumns = {sql::Type::Integer, sql::Type::Text, sql::Type::Text};

core::Status insert_limits(sql::Connection& c, std::int64_t drug,
                           const std::vector<clinic::RouteLimits>& limits) {
  std::int64_t position = 0;
  for (const auto& l : limits) {
    json concentrations = json::array();
    for (const auto& concentration : l.concentrations) {
      concentrations.push_back(concentration.value());
    }
    KETAPATH_TRY(c.execute(
        "INSERT INTO drug_route_limits (drug_id, position, route, concentrations_json, "
        "default_dose_mg_per_kg, min_dose_mg_per_kg, soft_max_mg_per_kg, hard_max_mg_per_kg, "
        "absolute_cap_mg, default_duration_min, min_duration_min, max_duration_min) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        {sql::integer(drug), sql::integer(++position), sql::text(pd::route_name(l.route)),
         sql::text(concentrations.dump()), sql::real(l.default_dose.value()),
         sql::real(l.min_dose.value()), sql::real(l.soft_max.value()),
         sql::real(l.hard_max.value()), sql::real(l.absolute_cap.value()),
         sql::real(l.default_duration.value()), sql::real(l.min_duration.value()),
         sql::real(l.max_duration.value())}));
  }
  return {};
}

}  // namespace

core::Result<clinic::DrugEntry> SqlDrugs::load(const sql::Row& row) {
  clinic::DrugEntry entry;
  entry.id = clinic::DrugId(row.integer(0));
  entry.name = row.text(1);
  entry.advisory = row.text(2);
  auto limits = KETAPATH_TRY(state_.connection->query(
      "SELECT route, concentrations_json, default_dose_mg_per_kg, min_dose_mg_per_kg, "
      "soft_max_mg_per_kg, hard_max_mg_per_kg, absolute_cap_mg, default_duration_min, "
      "min_duration_min, max_duration_min FROM drug_route_limits WHERE drug_id = $1 "
      "ORDER BY position",
      {sql::integer(entry.id.value())},
      {sql::Type::Text, sql::Type::Text, sql::Type::Real, sql::Type::Real, sql::Type::Real,
       sql::Type::Real, sql::Type::Real, sql::Type::Real, sql::Type::Real, sql::Type::Real}));
  for (const auto& l : limits) {
    clinic::RouteLimits route;
    route.route =
        KETAPATH_TRY(read_enum(l, 0, "drug_route_limits.route", clinic::parse_clinic_route));
    try {
      for (const auto& value : json::parse(l.text(1))) {
        route.concentrations.emplace_back(value.get<double>());
      }
    } catch (const json::exception& e) {
      return core::fail(core::ErrorCode::Storage,
                        "store: drug_route_limits.concentrations_json: stored value cannot be "
                        "read back ({})",
                        e.what());
    }
    route.default_dose = core::MilligramsPerKilogram(l.real(2));
    route.min_dose = core::MilligramsPerKilogram(l.real(3));
    route.soft_max = core::MilligramsPerKilogram(l.real(4));
    route.hard_max = core::MilligramsPerKilogram(l.real(5));
    route.absolute_cap = core::Milligrams(l.real(6));
    route.default_duration = core::Minutes(l.real(7));
    route.min_duration = core::Minutes(l.real(8));
    route.max_duration = core::Minutes(l.real(9));
    entry.limits.push_back(std::move(route));
  }
  return entry;
}

core::Result<clinic::DrugId> SqlDrugs::save(const clinic::DrugEntry& entry) {
  KETAPATH_TRY(state_.for_write());
  auto& c = *state_.connection;
  std::int64_t id = entry.id.value();
  if (id <= 0) {
    auto row = KETAPATH_TRY(
        c.query_one("INSERT INTO drugs (name, advisory) VALUES ($1, $2) RETURNING id",
                    {sql::text(entry.name), sql::text(entry.advisory)}, {sql::Type::Integer}));
    id = row->integer(0);
  } else {
    KETAPATH_TRY(require_row(c, "drugs", "drug", id));
    KETAPATH_TRY(c.execute("UPDATE drugs SET name = $1, advisory = $2 WHERE id = $3",
                           {sql::text(entry.name), sql::text(entry.advisory), sql::integer(id)}));
    KETAPATH_TRY(c.execute("DELETE FROM drug_route_limits WHERE drug_id = $1", {sql::integer(id)}));
  }
  KETAPATH_TRY(insert_limits(c, id, entry.limits));
  return clinic::DrugId(id);
}

core::Result<clinic::DrugEntry> SqlDrugs::get(clinic::DrugId id) {
  KETAPATH_TRY(state_.usable());
  auto row = KETAPATH_TRY(state_.connection->query_one(fmt::format("{} WHERE id = $1", kSelect),
                                                       {sql::integer(id.value())}, kColumns));
  if (!row) {
    return core::fail(core::ErrorCode::NotFound, "drug {} not found", id.value());
  }
  return load(*row);
}

core::Result<clinic::DrugEntry> SqlDrugs::find_by_name(std::string_view name) {
  KETAPATH_TRY(state_.usable());
  auto row = KETAPATH_TRY(state_.connection->query_one(fmt::format("{} WHERE name = $1", kSelect),
                                                       {sql::text(name)}, kColumns));
  if (!row) {
    return core::fail(core::ErrorCode::NotFound, "drug \"{}\" not found", name);
  }
  return load(*row);
}

core::Result<std::vector<clinic::DrugEntry>> SqlDrugs::list() {
  KETAPATH_TRY(state_.usable());
  auto rows =
      KETAPATH_TRY(state_.connection->query(fmt::format("{} ORDER BY id", kSelect), {}, kColumns));
  std::vector<clinic::DrugEntry> entries;
  for (const auto& row : rows) {
    entries.push_back(KETAPATH_TRY(load(row)));
  }
  return entries;
}

}  // namespace ketapath::store::repositories
