// `ketapath clinic consultation list|mark|register` (registers nothing itself; see cmd_clinic.cpp):
// the front desk's queue of consultation requests from the public form (clinic/domain/
// consultation.h; docs/clinic.md "Consultation requests"). The form itself is HTTP only.

#include <fmt/format.h>

#include "cli/clinic_commands.h"
#include "clinic/json/json.h"

namespace ketapath::cli::clinic_cli {
namespace {

using clinic::Json;

struct ConsultationOptions {
  std::int64_t id = 0;
  std::string status;
  std::string note;
  std::string birth_date;
  std::string sex;
  std::string name;
};

void print_request(const clinic::ConsultationRequest& r) {
  fmt::print("{:>5}  {}  {:<10} {}  {} | {} | times: {} | reason: {}\n", r.id.value(), r.reference,
             clinic::to_string(r.status), clinic::format_timestamp(r.received_at), r.name,
             r.phone.empty() ? r.email : r.phone, r.preferred_times, r.reason);
}

void add_list(CLI::App& parent, const std::shared_ptr<GlobalOptions>& global,
              const std::shared_ptr<ConsultationOptions>& o, Runners& runners) {
  CLI::App* list = parent.add_subcommand("list", "The queue, oldest first");
  list->fallthrough();
  list->add_option("--status", o->status, "new, contacted, scheduled, declined or converted");
  runners.emplace_back(list, [global, o] {
    return run([&]() -> core::Status {
      std::optional<clinic::ConsultationStatus> status;
      if (!o->status.empty()) {
        status = KETAPATH_TRY(clinic::parse_consultation_status(o->status));
      }
      auto c = KETAPATH_TRY(open_clinic(*global));
      const auto all = KETAPATH_TRY(c.service->consultation_requests(status));
      if (global->json) {
        Json out = Json::array();
        for (const auto& r : all) {
          out.push_back(clinic::to_json(r));
        }
        print_json({{"consultation_requests", out}});
        return {};
      }
      for (const auto& r : all) {
        print_request(r);
      }
      return {};
    });
  });
}

void add_mark(CLI::App& parent, const std::shared_ptr<GlobalOptions>& global,
              const std::shared_ptr<ConsultationOptions>& o, Runners& runners) {
  CLI::App* mark = parent.add_subcommand("mark", "Mark a request contacted, scheduled or declined");
  mark->fallthrough();
  mark->add_option("id", o->id, "Request id (from list)")->required();
  mark->add_option("--status", o->status, "contacted, scheduled or declined")->required();
  mark->add_option("--note", o->note, "What was agreed (optional)");
  runners.emplace_back(mark, [global, o] {
    return run([&]() -> core::Status {
      const auto status = KETAPATH_TRY(clinic::parse_consultation_status(o->status));
      auto c = KETAPATH_TRY(open_clinic(*global));
      const auto r = KETAPATH_TRY(c.service->set_consultation_status(
          clinic::ConsultationRequestId(o->id), status, o->note));
      if (global->json) {
        print_json(clinic::to_json(r));
      } else {
        print_request(r);
      }
      return {};
    });
  });
}

void add_register(CLI::App& parent, const std::shared_ptr<GlobalOptions>& global,
                  const std::shared_ptr<ConsultationOptions>& o, Runners& runners) {
  CLI::App* reg =
      parent.add_subcommand("register", "Register the requester as a patient (demographics)");
  reg->fallthrough();
  reg->add_option("id", o->id, "Request id (from list)")->required();
  reg->add_option("--birth-date", o->birth_date, "YYYY-MM-DD")->required();
  reg->add_option("--sex", o->sex, "F, M or X")->required();
  reg->add_option("--name", o->name, "The patient's name if not as on the request");
  runners.emplace_back(reg, [global, o] {
    return run([&]() -> core::Status {
      clinic::Patient p;
      p.name = o->name;
      p.birth_date = KETAPATH_TRY(clinic::parse_date(o->birth_date, "--birth-date"));
      p.sex = KETAPATH_TRY(clinic::parse_sex(o->sex));
      auto c = KETAPATH_TRY(open_clinic(*global));
      const auto r = KETAPATH_TRY(
          c.service->convert_consultation_request(clinic::ConsultationRequestId(o->id), p));
      if (global->json) {
        print_json(clinic::to_json(r));
      } else {
        fmt::print("request {} registered as patient {}\n", r.reference, r.patient->value());
      }
      return {};
    });
  });
}

}  // namespace

void add_consultation_commands(CLI::App& clinic_app, const std::shared_ptr<GlobalOptions>& global,
                               Runners& runners) {
  auto o = std::make_shared<ConsultationOptions>();
  CLI::App* consultation = clinic_app.add_subcommand(
      "consultation", "The queue of consultation requests from the public form");
  consultation->require_subcommand(1);
  consultation->fallthrough();
  add_list(*consultation, global, o, runners);
  add_mark(*consultation, global, o, runners);
  add_register(*consultation, global, o, runners);
}

}  // namespace ketapath::cli::clinic_cli
