// `ketapath clinic order check|waive|checks|discontinue` (registers nothing itself; see
// cmd_clinic.cpp): the independent double check, checklist waivers and discontinuing an order
// (clinic/domain/order.h; docs/clinic.md "Order, double check and pre-dose checklist"). An order
// is made with `dose` (--valid-until, --course).

#include <fmt/format.h>

#include "cli/clinic_commands.h"
#include "clinic/json/json.h"
#include "core/number_text.h"

namespace ketapath::cli::clinic_cli {
namespace {

using clinic::Json;

struct OrderOptions {
  std::int64_t order = 0;
  std::string date;
  double weight_kg = 0.0;
  double dose_mg = 0.0;
  std::string item;
  std::string reason;
};

void print_check(const clinic::OrderCheck& c, bool json) {
  if (json) {
    print_json(clinic::to_json(c));
  } else if (c.kind == clinic::OrderCheckKind::DoubleCheck) {
    fmt::print("double check {} of order {} for {} by {}: {}\n", c.id.value(), c.order.value(),
               clinic::format_date(c.day), c.recorded_by,
               c.session ? fmt::format("used by session {}", c.session->value())
                         : std::string("recorded (compared when the session is recorded)"));
  } else {
    fmt::print("waiver {} of order {} for {}: {} waived by {}: {}\n", c.id.value(), c.order.value(),
               clinic::format_date(c.day), clinic::to_string(*c.item), c.recorded_by, c.reason);
  }
}

void add_check_command(CLI::App& order, const std::shared_ptr<GlobalOptions>& global,
                       const std::shared_ptr<OrderOptions>& o, Runners& runners) {
  CLI::App* check = order.add_subcommand(
      "check", "A second user's independent double check of an order: weight and dose as found");
  check->fallthrough();
  check->add_option("--order", o->order, "Order (dose record) id")->required();
  check->add_option("--weight-kg", o->weight_kg, "The weight the checker reads, kg")->required();
  check->add_option("--dose-mg", o->dose_mg, "The dose the checker calculates, mg")->required();
  check->add_option("--date", o->date, "Treatment day, YYYY-MM-DD (default today)");
  runners.emplace_back(check, [global, o, check] {
    return run([&]() -> core::Status {
      auto c = KETAPATH_TRY(open_clinic(*global));
      const auto day = KETAPATH_TRY(date_or_today(*check, "--date", o->date, *c.service));
      const auto recorded = KETAPATH_TRY(c.service->record_double_check(
          clinic::DoseRecordId(o->order), day, core::Kilograms(o->weight_kg),
          core::Milligrams(o->dose_mg)));
      print_check(recorded, global->json);
      return {};
    });
  });
}

void add_waive_command(CLI::App& order, const std::shared_ptr<GlobalOptions>& global,
                       const std::shared_ptr<OrderOptions>& o, Runners& runners) {
  CLI::App* waive = order.add_subcommand(
      "waive", "A prescriber waives one pre-dose checklist item for an order's day (audited)");
  waive->fallthrough();
  waive->add_option("--order", o->order, "Order (dose record) id")->required();
  waive
      ->add_option("--item", o->item,
                   "fasting, escort, pregnancy_test, blood_pressure, new_medications or consent")
      ->required();
  waive->add_option("--reason", o->reason, "Why the dose may go ahead without it")->required();
  waive->add_option("--date", o->date, "Treatment day, YYYY-MM-DD (default today)");
  runners.emplace_back(waive, [global, o, waive] {
    return run([&]() -> core::Status {
      auto item = clinic::parse_checklist_item(o->item);
      if (!item) {
        return core::fail(core::ErrorCode::InvalidArgument, "--item: {}", item.error().message);
      }
      auto c = KETAPATH_TRY(open_clinic(*global));
      const auto day = KETAPATH_TRY(date_or_today(*waive, "--date", o->date, *c.service));
      const auto recorded = KETAPATH_TRY(
          c.service->waive_checklist_item(clinic::DoseRecordId(o->order), day, *item, o->reason));
      print_check(recorded, global->json);
      return {};
    });
  });
}

}  // namespace

void add_order_commands(CLI::App& clinic_app, const std::shared_ptr<GlobalOptions>& global,
                        Runners& runners) {
  auto o = std::make_shared<OrderOptions>();
  CLI::App* order = clinic_app.add_subcommand(
      "order", "A prescriber's order (made with `dose`): double check, waivers, discontinue");
  order->require_subcommand(1);
  order->fallthrough();
  add_check_command(*order, global, o, runners);
  add_waive_command(*order, global, o, runners);

  CLI::App* checks = order->add_subcommand("checks", "An order's double checks and waivers");
  checks->fallthrough();
  checks->add_option("--order", o->order, "Order (dose record) id")->required();
  runners.emplace_back(checks, [global, o] {
    return run([&]() -> core::Status {
      auto c = KETAPATH_TRY(open_clinic(*global));
      const auto list = KETAPATH_TRY(c.service->order_checks(clinic::DoseRecordId(o->order)));
      if (global->json) {
        Json out = Json::array();
        for (const auto& x : list) {
          out.push_back(clinic::to_json(x));
        }
        print_json({{"checks", out}});
        return {};
      }
      if (list.empty()) {
        fmt::print("no double check or waiver recorded for order {}\n", o->order);
      }
      for (const auto& x : list) {
        print_check(x, false);
      }
      return {};
    });
  });

  CLI::App* stop = order->add_subcommand("discontinue", "A prescriber discontinues an order");
  stop->fallthrough();
  stop->add_option("--order", o->order, "Order (dose record) id")->required();
  stop->add_option("--reason", o->reason, "Why (recorded)")->required();
  runners.emplace_back(stop, [global, o] {
    return run([&]() -> core::Status {
      auto c = KETAPATH_TRY(open_clinic(*global));
      const auto d =
          KETAPATH_TRY(c.service->discontinue_order(clinic::DoseRecordId(o->order), o->reason));
      if (global->json) {
        print_json(clinic::to_json(d));
      } else {
        fmt::print("order {} of patient {} discontinued by {}: {}\n", d.id.value(),
                   d.patient.value(), d.order->discontinued_by, d.order->discontinue_reason);
      }
      return {};
    });
  });
}

}  // namespace ketapath::cli::clinic_cli
