// Controlled-substance custody (issue 15, Deliver 1) through ClinicService on the in-memory
// store, SQLite and PostgreSQL: a scripted month (two lots received, 40 sessions drawing from
// them, waste, two counts, one discrepancy) reconciles to the microgram, and a negative balance,
// a self-witnessed waste, an expired lot (and the other refusals) store nothing.

#include <algorithm>
#include <map>
#include <sstream>

#include <gtest/gtest.h>

#include "clinic/administration.h"
#include "clinic/fixtures.h"
#include "clinic/json/json.h"
#include "clinic/service/service.h"
#include "core/number_text.h"
#include "store/harnesses.h"

namespace ketapath::store::testing {
namespace {

using clinic::Micrograms;
using clinic::StockLotId;
using ketapath::clinic::testing::at;
using ketapath::clinic::testing::day;
using ketapath::testing::must;

template <class R>
core::Status status_of(const R& result) {
  if (result) {
    return {};
  }
  return std::unexpected(result.error());
}

template <class Harness>
class Custody : public ::testing::Test {
 protected:
  void SetUp() override {
    if constexpr (Harness::kNeedsPostgres) {
      KETAPATH_REQUIRE_POSTGRES();
    }
    harness_.emplace();
    store_ = harness_->open();
    ASSERT_NE(store_, nullptr);
    now_ = at("2026-11-01T08:00:00Z");
    admin_.emplace(*store_, "dr.lee", [this] { return now_; });
    must(admin_->initialize());
    must(admin_->add_user("dr.lee", {clinic::Role::Admin, clinic::Role::Prescriber}));
    must(admin_->add_user("nurse.kim", {clinic::Role::Nurse}));
    must(admin_->add_user("nurse.ana", {clinic::Role::Nurse}));
    must(admin_->add_user("front.desk", {clinic::Role::FrontDesk}));
    must(admin_->add_user("nurse.gone", {clinic::Role::Nurse}));
    must(admin_->set_user_enabled("nurse.gone", false));
    nurse_.emplace(admin_->acting_as("nurse.kim"));
  }

  std::int64_t audit_length() { return must(store_->audit().verify()).entries; }

  /// Ten patients cleared for treatment, weighed on 1 November.
  void add_patients() {
    for (int i = 0; i < 10; ++i) {
      clinic::Patient p = clinic::testing::adult_70kg();
      p.name = fmt::format("Patient {}", i);
      p.weights = {{day("2026-11-01"), core::Kilograms(61.3 + 2.37 * i), false}};
      const auto id = must(admin_->add_patient(p));
      clinic::testing::clear_for_treatment(*admin_, id);
      patients_.push_back(id);
    }
  }

  clinic::Session session(clinic::PatientId patient, clinic::Timestamp start,
                          std::optional<StockLotId> lot) {
    clinic::Session s;
    s.patient = patient;
    s.route = clinic::Route::Iv;
    s.dose_per_kg = core::MilligramsPerKilogram(0.5);
    s.started_at = start;
    s.ended_at = start + std::chrono::hours(2) + std::chrono::minutes(30);
    s.stock_lot = lot;
    // The order, a second user's double check and the checklist (issue 15 items 2-4), by dr.lee.
    ketapath::testing::prepare_administration(*admin_, s);
    return s;
  }

  std::map<std::int64_t, Micrograms> balances() {
    std::map<std::int64_t, Micrograms> out;
    for (const auto& b : must(nurse_->stock())) {
      out[b.lot.id.value()] = b.balance;
    }
    return out;
  }

  std::size_t sessions_of(clinic::PatientId id) { return must(admin_->sessions(id)).size(); }

  clinic::StockReceipt receipt(std::string lot, double mg_per_ml, int vials, double ml,
                               const char* expires) {
    clinic::StockReceipt r;
    r.lot.product = fmt::format("Ketamine hydrochloride {} mg/mL, {} mL vial",
                                core::display_number(mg_per_ml), core::display_number(ml));
    r.lot.concentration = core::MilligramsPerMillilitre(mg_per_ml);
    r.lot.lot = std::move(lot);
    r.lot.expires_on = day(expires);
    r.lot.supplier = "Pharma Großhandel GmbH";
    r.vials = vials;
    r.ml_per_vial = core::Millilitres(ml);
    return r;
  }

  /// Every refusal of the clinic: an error of `code`, with the audit log, the balances and the
  /// sessions of patient 0 as they were.
  template <class Call>
  void expect_refused(Call call, core::ErrorCode code, std::string_view message_part) {
    const auto audit_before = audit_length();
    const auto balances_before = balances();
    const auto sessions_before = patients_.empty() ? 0 : sessions_of(patients_.front());
    const core::Status result = call();
    ASSERT_FALSE(result) << "accepted, expected a refusal containing: " << message_part;
    EXPECT_EQ(result.error().code, code) << result.error().message;
    EXPECT_NE(result.error().message.find(message_part), std::string::npos)
        << result.error().message;
    EXPECT_EQ(audit_length(), audit_before);
    EXPECT_EQ(balances(), balances_before);
    if (!patients_.empty()) {
      EXPECT_EQ(sessions_of(patients_.front()), sessions_before);
    }
  }

  std::optional<Harness> harness_;
  std::unique_ptr<clinic::ClinicStore> store_;
  clinic::Timestamp now_{};
  std::optional<clinic::ClinicService> admin_;
  std::optional<clinic::ClinicService> nurse_;
  std::vector<clinic::PatientId> patients_;
};

using Harnesses = ::testing::Types<MemoryHarness, SqliteHarness, PostgresHarness>;

class HarnessNames {
 public:
  template <class T>
  static std::string GetName(int) {
    if (std::is_same_v<T, MemoryHarness>)
      return "Memory";
    if (std::is_same_v<T, SqliteHarness>)
      return "Sqlite";
    return "Postgres";
  }
};

TYPED_TEST_SUITE(Custody, Harnesses, HarnessNames);

std::size_t csv_fields(const std::string& line) {
  std::size_t fields = 1;
  bool quoted = false;
  for (const char c : line) {
    if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      ++fields;
    }
  }
  return fields;
}

TYPED_TEST(Custody, AScriptedMonthReconcilesToTheMilligram) {
  // A new clinic keeps custody: a session without a lot is refused.
  EXPECT_TRUE(must(this->admin_->custody_policy()).require_lot);
  this->add_patients();
  auto& nurse = *this->nurse_;

  const auto a = must(nurse.receive_stock(this->receipt("A2611", 50, 10, 10, "2027-06-30")));
  const auto b = must(nurse.receive_stock(this->receipt("B0977", 10, 20, 5, "2027-03-31")));
  EXPECT_EQ(a.arithmetic, "10 vials x 10 mL x 50 mg/mL = 5000 mg");
  EXPECT_EQ(a.lot.received_by, "nurse.kim");
  EXPECT_EQ(a.entry.change, Micrograms{5'000'000});
  EXPECT_EQ(b.entry.change, Micrograms{1'000'000});
  const StockLotId lot_a = a.lot.id;
  const StockLotId lot_b = b.lot.id;

  // The month: 10 patients x 4 weekly infusions, alternately from lot A and lot B; waste on three
  // days; a count of A on 13 November (agrees) and of B on 27 November (2.5 mg short).
  std::map<std::int64_t, Micrograms> expected = {{lot_a.value(), a.entry.change},
                                                 {lot_b.value(), b.entry.change}};
  std::map<std::int64_t, Micrograms> administered;
  std::map<std::int64_t, int> doses;
  std::vector<std::pair<clinic::Timestamp, std::function<void()>>> script;
  for (int k = 0; k < 4; ++k) {
    for (int i = 0; i < 10; ++i) {
      const auto start = at("2026-11-02T09:00:00Z") + std::chrono::days(7 * k + i / 2) +
                         std::chrono::hours(3 * (i % 2));
      const StockLotId lot = (i + k) % 2 == 0 ? lot_a : lot_b;
      script.emplace_back(start + std::chrono::hours(3), [&, start, lot, i] {
        const auto r = must(nurse.record_session(this->session(this->patients_[i], start, lot)));
        ASSERT_TRUE(r.session.stock_lot);
        EXPECT_EQ(*r.session.stock_lot, lot);
        const Micrograms mg{std::llround(r.session.dose.value() * 1000.0)};
        EXPECT_NE(mg.value % 1000, 0) << "doses are not whole mg: the test would miss rounding";
        expected[lot.value()] = expected[lot.value()] - mg;
        administered[lot.value()] += mg;
        ++doses[lot.value()];
      });
    }
  }
  const auto waste = [&](const char* when, StockLotId lot, double mg, const char* witness) {
    script.emplace_back(at(when), [&, lot, mg, witness] {
      const auto e = must(nurse.waste_stock(lot, core::Milligrams(mg),
                                            "syringe remainder after "
                                            "drawing up the dose",
                                            witness));
      EXPECT_EQ(e.witness, witness);
      expected[lot.value()] = expected[lot.value()] - Micrograms{std::llround(mg * 1000.0)};
    });
  };
  waste("2026-11-06T17:00:00Z", lot_a, 12.5, "nurse.ana");
  waste("2026-11-20T17:00:00Z", lot_b, 3.75, "dr.lee");
  waste("2026-11-26T17:00:00Z", lot_a, 7.125, "nurse.ana");
  script.emplace_back(at("2026-11-13T18:00:00Z"), [&] {
    const auto e = must(nurse.count_stock(lot_a, clinic::to_milligrams(expected[lot_a.value()])));
    EXPECT_EQ(e.change, Micrograms{0});
    EXPECT_EQ(e.counted, e.expected);
  });
  script.emplace_back(at("2026-11-27T18:00:00Z"), [&] {
    const Micrograms shelf = expected[lot_b.value()] - Micrograms{2500};
    this->expect_refused(
        [&] { return status_of(nurse.count_stock(lot_b, clinic::to_milligrams(shelf))); },
        core::ErrorCode::Validation, "needs its investigation");
    const auto e = must(nurse.count_stock(lot_b, clinic::to_milligrams(shelf),
                                          "vial 14 cracked in the fridge on 24 Nov, not reported; "
                                          "pharmacy informed"));
    EXPECT_EQ(e.change, Micrograms{-2500});
    EXPECT_EQ(e.expected, expected[lot_b.value()]);
    EXPECT_EQ(e.counted, shelf);
    expected[lot_b.value()] = shelf;
  });
  std::stable_sort(script.begin(), script.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
  for (auto& [when, step] : script) {
    this->now_ = when;
    step();
    if (::testing::Test::HasFatalFailure()) {
      return;
    }
  }
  EXPECT_EQ(doses[lot_a.value()], 20);
  EXPECT_EQ(doses[lot_b.value()], 20);

  // The balances are the ledger's, to the microgram.
  EXPECT_EQ(this->balances(), expected);

  // The month's log: opening 0, closing = the balances; each kind's total as scripted.
  this->now_ = at("2026-12-01T09:00:00Z");
  const auto log = must(this->admin_->custody_log(day("2026-11-01"), day("2026-11-30")));
  ASSERT_EQ(log.lots.size(), 2u);
  for (const auto& l : log.lots) {
    SCOPED_TRACE(l.lot.lot);
    const auto id = l.lot.id.value();
    EXPECT_EQ(l.opening, Micrograms{0});
    EXPECT_EQ(l.closing, expected[id]);
    EXPECT_EQ(l.administered, administered[id]);
    EXPECT_EQ(l.opening + l.received - l.administered - l.wasted + l.adjusted, l.closing);
    EXPECT_EQ(l.lines.back().balance_after, l.closing);
    const auto administrations =
        std::count_if(l.lines.begin(), l.lines.end(), [](const clinic::CustodyLogLine& line) {
          return line.entry.kind == clinic::CustodyKind::Administration;
        });
    EXPECT_EQ(administrations, 20);
  }
  EXPECT_EQ(log.lots[0].wasted, Micrograms{19'625});
  EXPECT_EQ(log.lots[1].wasted, Micrograms{3'750});
  EXPECT_EQ(log.lots[1].adjusted, Micrograms{-2'500});

  // The second half opens where the first closed.
  const auto first = must(this->admin_->custody_log(day("2026-11-01"), day("2026-11-15")));
  const auto second = must(this->admin_->custody_log(day("2026-11-16"), day("2026-11-30")));
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(second.lots[i].opening, first.lots[i].closing);
    EXPECT_EQ(second.lots[i].closing, log.lots[i].closing);
  }

  // The CSV: a header, per lot an opening row, its entries and a closing row, all 17 columns.
  const std::string csv = clinic::custody_csv(log);
  std::istringstream lines(csv);
  std::string line;
  std::size_t rows = 0;
  while (std::getline(lines, line)) {
    EXPECT_EQ(csv_fields(line), 17u) << line;
    ++rows;
  }
  EXPECT_EQ(rows, 1 + log.lots[0].lines.size() + log.lots[1].lines.size() + 4);
  EXPECT_NE(csv.find("2026-11-30,,closing,"), std::string::npos);
  EXPECT_NE(csv.find("vial 14 cracked"), std::string::npos);

  // The report is for the prescriber, admin and auditor; a nurse may not read it.
  const auto refused = nurse.custody_log(day("2026-11-01"), day("2026-11-30"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, core::ErrorCode::Unauthorized);

  // Every step is in the audit log, and the chain holds.
  const auto verification = must(this->store_->audit().verify());
  EXPECT_TRUE(verification.intact);
  const auto entries = must(this->store_->audit().entries(1, 100000));
  const auto count_action = [&](std::string_view action) {
    return std::count_if(entries.begin(), entries.end(),
                         [&](const clinic::AuditEntry& e) { return e.record.action == action; });
  };
  EXPECT_EQ(count_action("stock.receive"), 2);
  EXPECT_EQ(count_action("stock.waste"), 3);
  EXPECT_EQ(count_action("stock.count"), 1);
  EXPECT_EQ(count_action("stock.count.discrepancy"), 1);
  EXPECT_EQ(count_action("session.record"), 40);
}

TYPED_TEST(Custody, RefusalsStoreNothing) {
  this->add_patients();
  auto& nurse = *this->nurse_;
  const auto patient = this->patients_.front();
  const auto main = must(nurse.receive_stock(this->receipt("M1", 50, 2, 10, "2027-01-31")));
  const auto small = must(nurse.receive_stock(this->receipt("S1", 10, 1, 0.5, "2027-01-31")));
  const auto soon = must(nurse.receive_stock(this->receipt("E1", 50, 1, 10, "2026-11-10")));
  EXPECT_EQ(small.entry.change, Micrograms{5'000});
  this->now_ = at("2026-11-11T12:00:00Z");
  const auto start = at("2026-11-11T08:00:00Z");

  // A dose above the lot's balance: the balance would go negative.
  this->expect_refused(
      [&, s = this->session(patient, start, small.lot.id)] {
        return status_of(nurse.record_session(s));
      },
      core::ErrorCode::Validation, "would leave -");
  // Waste above the balance, likewise.
  this->expect_refused(
      [&] {
        return status_of(
            nurse.waste_stock(small.lot.id, core::Milligrams(5.001), "spilt", "nurse.ana"));
      },
      core::ErrorCode::Validation, "would leave -0.001 mg");
  // A self-witnessed waste.
  this->expect_refused(
      [&] {
        return status_of(nurse.waste_stock(main.lot.id, core::Milligrams(1), "spilt", "nurse.kim"));
      },
      core::ErrorCode::Validation, "second person");
  // A witness who is not a user, is disabled, or may not handle stock.
  for (const char* witness : {"nobody", "nurse.gone", "front.desk"}) {
    SCOPED_TRACE(witness);
    this->expect_refused(
        [&] {
          return status_of(nurse.waste_stock(main.lot.id, core::Milligrams(1), "spilt", witness));
        },
        core::ErrorCode::Validation, witness);
  }
  // An expired lot (expired on 10 November; the session is on the 11th).
  this->expect_refused(
      [&, s = this->session(patient, start, soon.lot.id)] {
        return status_of(nurse.record_session(s));
      },
      core::ErrorCode::Validation, "expired on 2026-11-10");
  // A lot received after the dose started: the dose cannot have come from it.
  const auto late = must(nurse.receive_stock(this->receipt("L1", 50, 1, 10, "2027-01-31")));
  this->expect_refused(
      [&, s = this->session(patient, start, late.lot.id)] {
        return status_of(nurse.record_session(s));
      },
      core::ErrorCode::Validation, "not yet received");
  // An unknown lot, and no lot at all while custody is on.
  this->expect_refused(
      [&, s = this->session(patient, start, StockLotId(9999))] {
        return status_of(nurse.record_session(s));
      },
      core::ErrorCode::Validation, "stock_lot 9999");
  this->expect_refused(
      [&, s = this->session(patient, start, std::nullopt)] {
        return status_of(nurse.record_session(s));
      },
      core::ErrorCode::Validation, "name the stock lot");
  // Expired stock is not received; the front desk receives nothing.
  this->expect_refused(
      [&] { return status_of(nurse.receive_stock(this->receipt("X1", 50, 1, 10, "2026-11-10"))); },
      core::ErrorCode::Validation, "expired");
  this->expect_refused(
      [&] {
        return status_of(this->admin_->acting_as("front.desk")
                             .receive_stock(this->receipt("F1", 50, 1, 10, "2027-01-31")));
      },
      core::ErrorCode::Unauthorized, "may not");
  // The same lot number of the same product twice is a conflict.
  this->expect_refused(
      [&] { return status_of(nurse.receive_stock(this->receipt("M1", 50, 2, 10, "2027-01-31"))); },
      core::ErrorCode::Conflict, "already exists");

  // The same session from the main lot is accepted, and the expired lot may still be wasted.
  const auto ok = must(nurse.record_session(this->session(patient, start, main.lot.id)));
  EXPECT_EQ(this->balances()[main.lot.id.value()],
            Micrograms{1'000'000 - std::llround(ok.session.dose.value() * 1000.0)});
  must(nurse.waste_stock(soon.lot.id, core::Milligrams(500), "expired: returned for destruction",
                         "nurse.ana"));
  EXPECT_EQ(this->balances()[soon.lot.id.value()], Micrograms{0});

  // An existing clinic (patients before custody) keeps recording without a lot until an admin
  // turns custody on; then a lot is required.
  must(this->admin_->set_custody_policy({.require_lot = false}));
  this->now_ = at("2026-11-13T12:00:00Z");
  must(nurse.record_session(this->session(patient, at("2026-11-13T08:00:00Z"), std::nullopt)));
  EXPECT_EQ(this->balances()[main.lot.id.value()],
            Micrograms{1'000'000 - std::llround(ok.session.dose.value() * 1000.0)});
}

}  // namespace
}  // namespace ketapath::store::testing
