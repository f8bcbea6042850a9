// The chart-access log (clinic/domain/chart_access.h; migration chart_access).

#include "store/repositories/repositories.h"

namespace ketapath::store::repositories {

core::Status SqlChartAccesses::add(const clinic::ChartAccess& a) {
  KETAPATH_TRY(state_.for_write());
  return state_.connection->execute(
      "INSERT INTO chart_access (user_name, patient_id, what, accessed_at) VALUES ($1, $2, $3, $4)",
      {sql::text(a.user), sql::integer(a.patient.value()), sql::text(a.what), timestamp(a.at)});
}

core::Result<std::vector<clinic::ChartAccess>> SqlChartAccesses::list(
    const clinic::ChartAccessQuery& q) {
  KETAPATH_TRY(state_.usable());
  std::string where;
  std::vector<sql::Value> params;
  const auto add = [&](std::string_view condition, sql::Value value) {
    params.push_back(std::move(value));
    where += where.empty() ? " WHERE " : " AND ";
    where += fmt::format("{} ${}", condition, params.size());
  };
  if (q.user) {
    add("user_name =", sql::text(*q.user));
  }
  if (q.patient) {
    add("patient_id =", sql::integer(q.patient->value()));
  }
  if (q.from) {
    add("accessed_at >=", timestamp(*q.from));
  }
  if (q.to) {
    add("accessed_at <", timestamp(*q.to));
  }
  params.push_back(sql::integer(q.limit));
  auto rows = KETAPATH_TRY(state_.connection->query(
      fmt::format("SELECT id, user_name, patient_id, what, accessed_at FROM chart_access{} "
                  "ORDER BY accessed_at DESC, id DESC LIMIT ${}",
                  where, params.size()),
      params,
      {sql::Type::Integer, sql::Type::Text, sql::Type::Integer, sql::Type::Text, sql::Type::Text}));
  std::vector<clinic::ChartAccess> out;
  out.reserve(rows.size());
  for (const auto& row : rows) {
    clinic::ChartAccess a;
    a.id = row.integer(0);
    a.user = row.text(1);
    a.patient = clinic::PatientId(row.integer(2));
    a.what = row.text(3);
    a.at = KETAPATH_TRY(read_timestamp(row, 4, "chart_access.accessed_at"));
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace ketapath::store::repositories
