// `ketapath clinic stock receive|list|waste|count|report` (registers nothing itself; see
// cmd_clinic.cpp): controlled-substance custody of ketamine (clinic/domain/custody.h;
// docs/clinic.md "Controlled-substance custody"). Parse, call the service, print.

#include <fmt/format.h>

#include "cli/clinic_commands.h"
#include "clinic/json/json.h"
#include "clinic/pdf/letter_pdf.h"
#include "clinic/service/custody_report.h"
#include "core/number_text.h"
#include "core/private_file.h"

namespace ketapath::cli::clinic_cli {
namespace {

using clinic::Json;

struct StockOptions {
  std::string product;
  double concentration = 0.0;
  std::string lot;
  std::string expires;
  std::string supplier;
  int vials = 0;
  double ml_per_vial = 0.0;
  std::int64_t stock_lot = 0;
  double mg = 0.0;
  std::string reason;
  std::string witness;
  std::string investigation;
  std::string from;
  std::string to;
  std::string csv;
  std::string pdf;
  std::string received_at;
};

void print_entry(const clinic::CustodyEntry& e) {
  fmt::print("stock lot {}: {} {} mg by {} at {}\n", e.lot.value(), clinic::to_string(e.kind),
             clinic::mg_text(e.change), e.by, clinic::format_timestamp(e.at));
}

void add_receive(CLI::App& parent, const std::shared_ptr<GlobalOptions>& global,
                 const std::shared_ptr<StockOptions>& o, Runners& runners) {
  CLI::App* cmd = parent.add_subcommand("receive", "Receive a lot of ketamine (audited)");
  cmd->fallthrough();
  cmd->add_option("--product", o->product, "Product as labelled")->required();
  cmd->add_option("--concentration-mg-per-ml", o->concentration, "Strength in mg/mL")->required();
  cmd->add_option("--lot", o->lot, "The manufacturer's lot number")->required();
  cmd->add_option("--expires", o->expires, "Expiry date, YYYY-MM-DD")->required();
  cmd->add_option("--supplier", o->supplier, "Supplier")->required();
  cmd->add_option("--vials", o->vials, "Number of vials delivered")->required();
  cmd->add_option("--ml-per-vial", o->ml_per_vial, "Volume of one vial in mL")->required();
  cmd->add_option("--received-at", o->received_at,
                  "When it arrived, if entered later (with UTC offset; default now)");
  runners.emplace_back(cmd, [global, o] {
    return run([&]() -> core::Status {
      clinic::StockReceipt r;
      r.lot.product = o->product;
      r.lot.concentration = core::MilligramsPerMillilitre(o->concentration);
      r.lot.lot = o->lot;
      r.lot.expires_on = KETAPATH_TRY(clinic::parse_date(o->expires, "--expires"));
      r.lot.supplier = o->supplier;
      r.vials = o->vials;
      r.ml_per_vial = core::Millilitres(o->ml_per_vial);
      if (!o->received_at.empty()) {
        r.received_at = KETAPATH_TRY(clinic::parse_timestamp(o->received_at, "--received-at"));
      }
      auto c = KETAPATH_TRY(open_clinic(*global));
      const auto got = KETAPATH_TRY(c.service->receive_stock(r));
      if (global->json) {
        print_json({{"stock_lot", clinic::to_json(got.lot)},
                    {"entry", clinic::to_json(got.entry)},
                    {"arithmetic", got.arithmetic}});
        return {};
      }
      fmt::print("received stock lot {}: {} lot {}, expires {}\n  {}\n", got.lot.id.value(),
                 got.lot.product, got.lot.lot, clinic::format_date(got.lot.expires_on),
                 got.arithmetic);
      return {};
    });
  });
}

void add_list(CLI::App& parent, const std::shared_ptr<GlobalOptions>& global, Runners& runners) {
  CLI::App* cmd = parent.add_subcommand("list", "Every lot with its balance (from the ledger)");
  cmd->fallthrough();
  runners.emplace_back(cmd, [global] {
    return run([&]() -> core::Status {
      auto c = KETAPATH_TRY(open_clinic(*global));
      const auto all = KETAPATH_TRY(c.service->stock());
      if (global->json) {
        Json out = Json::array();
        for (const auto& b : all) {
          Json j = clinic::to_json(b.lot);
          j["balance_mg"] = clinic::to_milligrams(b.balance).value();
          j["expired"] = b.expired;
          out.push_back(std::move(j));
        }
        print_json({{"stock", out}});
        return {};
      }
      for (const auto& b : all) {
        fmt::print("{:>5}  {} lot {}  {} mg/mL  expires {}{}  balance {} mg\n", b.lot.id.value(),
                   b.lot.product, b.lot.lot, core::display_number(b.lot.concentration.value()),
                   clinic::format_date(b.lot.expires_on), b.expired ? " (EXPIRED)" : "",
                   clinic::mg_text(b.balance));
      }
      return {};
    });
  });
}

void add_waste(CLI::App& parent, const std::shared_ptr<GlobalOptions>& global,
               const std::shared_ptr<StockOptions>& o, Runners& runners) {
  CLI::App* cmd = parent.add_subcommand("waste", "Waste an amount, witnessed (audited)");
  cmd->fallthrough();
  cmd->add_option("--stock-lot", o->stock_lot, "Stock lot id (`stock list`)")->required();
  cmd->add_option("--mg", o->mg, "Amount wasted in mg")->required();
  cmd->add_option("--reason", o->reason, "Why (e.g. remainder of a drawn syringe)")->required();
  cmd->add_option("--witness", o->witness, "The witnessing user's name (not yourself)")->required();
  runners.emplace_back(cmd, [global, o] {
    return run([&]() -> core::Status {
      auto c = KETAPATH_TRY(open_clinic(*global));
      const auto e = KETAPATH_TRY(c.service->waste_stock(
          clinic::StockLotId(o->stock_lot), core::Milligrams(o->mg), o->reason, o->witness));
      if (global->json) {
        print_json(clinic::to_json(e));
      } else {
        print_entry(e);
      }
      return {};
    });
  });
}

void add_count(CLI::App& parent, const std::shared_ptr<GlobalOptions>& global,
               const std::shared_ptr<StockOptions>& o, Runners& runners) {
  CLI::App* cmd = parent.add_subcommand("count", "Record a count against the ledger (audited)");
  cmd->fallthrough();
  cmd->add_option("--stock-lot", o->stock_lot, "Stock lot id (`stock list`)")->required();
  cmd->add_option("--counted-mg", o->mg, "What is on the shelf, in mg")->required();
  cmd->add_option("--investigation", o->investigation,
                  "Required when the count differs from the ledger");
  runners.emplace_back(cmd, [global, o] {
    return run([&]() -> core::Status {
      auto c = KETAPATH_TRY(open_clinic(*global));
      const auto e = KETAPATH_TRY(c.service->count_stock(
          clinic::StockLotId(o->stock_lot), core::Milligrams(o->mg), o->investigation));
      if (global->json) {
        print_json(clinic::to_json(e));
        return {};
      }
      fmt::print("stock lot {}: counted {} mg, ledger {} mg{}\n", e.lot.value(),
                 clinic::mg_text(e.counted.value_or(clinic::Micrograms{})),
                 clinic::mg_text(e.expected.value_or(clinic::Micrograms{})),
                 e.change.value == 0
                     ? ""
                     : fmt::format(": DISCREPANCY {} mg recorded", clinic::mg_text(e.change)));
      return {};
    });
  });
}

core::Status write_report(const clinic::CustodyLog& log, const StockOptions& o,
                          clinic::ClinicService& service) {
  if (!o.csv.empty()) {
    KETAPATH_TRY(core::write_private_file(o.csv, clinic::custody_csv(log)));
    fmt::print(stderr, "wrote {}\n", o.csv);
  }
  if (!o.pdf.empty()) {
    const clinic::Timestamp now = service.now();
    const auto letter = clinic::custody_letter(log, service.actor(), now);
    const std::string bytes = KETAPATH_TRY(
        clinic::render_letter_pdf(letter, service.actor(), clinic::format_timestamp(now)));
    KETAPATH_TRY(core::write_private_file(o.pdf, bytes));
    fmt::print(stderr, "wrote {}\n", o.pdf);
  }
  return {};
}

void add_report(CLI::App& parent, const std::shared_ptr<GlobalOptions>& global,
                const std::shared_ptr<StockOptions>& o, Runners& runners) {
  CLI::App* cmd =
      parent.add_subcommand("report", "The controlled-substance log of a period, per lot");
  cmd->fallthrough();
  cmd->add_option("--from", o->from, "First day, YYYY-MM-DD")->required();
  cmd->add_option("--to", o->to, "Last day, YYYY-MM-DD")->required();
  cmd->add_option("--csv", o->csv, "Write the log as CSV (mode 0600)");
  cmd->add_option("--pdf", o->pdf, "Write the log as PDF (mode 0600)");
  runners.emplace_back(cmd, [global, o] {
    return run([&]() -> core::Status {
      const auto from = KETAPATH_TRY(clinic::parse_date(o->from, "--from"));
      const auto to = KETAPATH_TRY(clinic::parse_date(o->to, "--to"));
      auto c = KETAPATH_TRY(open_clinic(*global));
      const auto log = KETAPATH_TRY(c.service->custody_log(from, to));
      KETAPATH_TRY(write_report(log, *o, *c.service));
      if (global->json) {
        print_json(clinic::to_json(log));
        return {};
      }
      for (const auto& l : log.lots) {
        fmt::print(
            "stock lot {} ({} lot {}): opening {} mg + received {} - administered {} - "
            "wasted {} + adjusted ({}) = closing {} mg ({} entries)\n",
            l.lot.id.value(), l.lot.product, l.lot.lot, clinic::mg_text(l.opening),
            clinic::mg_text(l.received), clinic::mg_text(l.administered), clinic::mg_text(l.wasted),
            clinic::mg_text(l.adjusted), clinic::mg_text(l.closing), l.lines.size());
      }
      return {};
    });
  });
}

}  // namespace

core::Status apply_stock_lot(clinic::Session& session, std::int64_t stock_lot) {
  if (stock_lot == 0) {
    return {};
  }
  if (session.stock_lot && session.stock_lot->value() != stock_lot) {
    return core::fail(core::ErrorCode::InvalidArgument,
                      "--stock-lot {} differs from the file's stock_lot {}", stock_lot,
                      session.stock_lot->value());
  }
  session.stock_lot = clinic::StockLotId(stock_lot);
  return {};
}

void add_stock_commands(CLI::App& clinic_app, const std::shared_ptr<GlobalOptions>& global,
                        Runners& runners) {
  auto o = std::make_shared<StockOptions>();
  CLI::App* stock = clinic_app.add_subcommand(
      "stock", "Controlled-substance custody: receipts, balances, waste, counts, the log");
  stock->require_subcommand(1);
  stock->fallthrough();
  add_receive(*stock, global, o, runners);
  add_list(*stock, global, runners);
  add_waste(*stock, global, o, runners);
  add_count(*stock, global, o, runners);
  add_report(*stock, global, o, runners);
}

}  // namespace ketapath::cli::clinic_cli
