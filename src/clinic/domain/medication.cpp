#include "clinic/domain/medication.h"

#include <algorithm>
#include <cctype>

#include "clinic/domain/validation.h"
#include "core/name_table.h"
#include "core/text.h"

namespace ketapath::clinic {
namespace {

using core::ErrorCode;

constexpr core::NameTable<MedicationAction, 3> kActions{{
    {MedicationAction::Start, "start"},
    {MedicationAction::Stop, "stop"},
    {MedicationAction::Reconcile, "reconcile"},
}};

/// The lowercase ASCII words of a name: "Ativan (Lorazepam) 1mg" -> ativan, lorazepam, 1mg.
std::vector<std::string> words_of(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  for (const char ch : core::ascii_lower(text)) {
    if (std::isalnum(static_cast<unsigned char>(ch)) != 0 || ch == '-') {
      word += ch;
    } else if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) {
    words.push_back(std::move(word));
  }
  return words;
}

bool same_name(std::string_view a, std::string_view b) {
  return core::ascii_lower(a) == core::ascii_lower(b);
}

}  // namespace

std::string_view to_string(MedicationAction action) {
  return core::name_of(kActions, action);
}

core::Result<MedicationAction> parse_medication_action(std::string_view text) {
  return core::value_of(kActions, text, "medication action");
}

std::vector<ActiveMedication> active_medications(const std::vector<MedicationEntry>& log, Date on) {
  std::vector<ActiveMedication> active;
  // Entries in date order (a stable sort keeps the recorded order within a day).
  std::vector<const MedicationEntry*> ordered;
  for (const auto& e : log) {
    if (e.on <= on) {
      ordered.push_back(&e);
    }
  }
  std::ranges::stable_sort(ordered, {}, &MedicationEntry::on);
  for (const MedicationEntry* e : ordered) {
    const auto it = std::ranges::find_if(
        active, [&](const ActiveMedication& m) { return same_name(m.name, e->name); });
    if (e->action == MedicationAction::Start) {
      ActiveMedication m{e->name, e->dose, e->frequency, e->on};
      if (it != active.end()) {
        *it = std::move(m);
      } else {
        active.push_back(std::move(m));
      }
    } else if (e->action == MedicationAction::Stop && it != active.end()) {
      active.erase(it);
    }
  }
  return active;
}

std::optional<Date> last_reconciled(const std::vector<MedicationEntry>& log, Date on) {
  std::optional<Date> last;
  for (const auto& e : log) {
    if (e.action == MedicationAction::Reconcile && e.on <= on && (!last || e.on > *last)) {
      last = e.on;
    }
  }
  return last;
}

core::Status validate_medication_entry(const MedicationEntry& e,
                                       const std::vector<MedicationEntry>& log, Date today) {
  KETAPATH_TRY(check_date("medication: date", e.on, today - std::chrono::days(36600), today,
                          "not in the future"));
  if (e.action == MedicationAction::Reconcile) {
    return core::check_required_text("medication reconcile: note", e.note, 500);
  }
  KETAPATH_TRY(core::check_required_text("medication: name", e.name, 100, false));
  if (e.action == MedicationAction::Start) {
    for (const auto& [field, text] : {std::pair{"medication: dose", &e.dose},
                                      std::pair{"medication: frequency", &e.frequency}}) {
      if (!text->empty()) {
        KETAPATH_TRY(core::check_required_text(field, *text, 100, false));
      }
    }
    return {};
  }
  const auto active = active_medications(log, e.on);
  if (std::ranges::none_of(active, [&](const auto& m) { return same_name(m.name, e.name); })) {
    return core::fail(ErrorCode::Validation,
                      "medication stop: \"{}\" is not on the patient's list on {} (list: {})",
                      core::excerpt(e.name), format_date(e.on), [&] {
                        std::string names;
                        for (const auto& m : active) {
                          names += (names.empty() ? "" : ", ") + m.name;
                        }
                        return names.empty() ? std::string("empty") : names;
                      }());
  }
  return {};
}

const std::vector<InteractionClass>& interaction_table() {
  // Sources: docs/clinic.md "Medications and interactions" (the same keys).
  static const std::vector<InteractionClass> table = {
      {"benzodiazepine",
       "may reduce the anxiolytic and antidepressant response to ketamine",
       "review with the prescriber whether the dose before an infusion can be held or lowered",
       "Andrashko V et al. Front Psychiatry 2020;11:844; Frye MA et al. J Clin Psychopharmacol "
       "2015;35:334",
       {"alprazolam", "bromazepam", "chlordiazepoxide", "clobazam", "clonazepam", "clorazepate",
        "diazepam", "estazolam", "flurazepam", "lorazepam", "midazolam", "nitrazepam", "oxazepam",
        "temazepam", "triazolam"}},
      {"lamotrigine",
       "reduces glutamate release and attenuated ketamine's effects in healthy "
       "volunteers; may blunt the response",
       "review with the prescriber; do not stop an anticonvulsant for an infusion without them",
       "Anand A et al. Arch Gen Psychiatry 2000;57:270-276",
       {"lamotrigine"}},
      {"stimulant",
       "adds to ketamine's blood-pressure and heart-rate rise",
       "check blood pressure before and during the infusion with particular care",
       "Spravato (esketamine) US prescribing information, 2023, section 7 (psychostimulants)",
       {"amphetamine", "dexamfetamine", "dextroamphetamine", "lisdexamfetamine", "methamphetamine",
        "methylphenidate", "dexmethylphenidate", "modafinil", "armodafinil"}},
      {"MAO inhibitor",
       "adds to ketamine's blood-pressure rise",
       "check blood pressure before and during the infusion with particular care",
       "Spravato (esketamine) US prescribing information, 2023, section 7 (MAOIs)",
       {"phenelzine", "tranylcypromine", "isocarboxazid", "selegiline", "rasagiline", "moclobemide",
        "linezolid"}},
      {"pressor",
       "a sympathomimetic that adds to ketamine's blood-pressure rise",
       "check blood pressure before and during the infusion with particular care",
       "Ketalar (ketamine) US prescribing information, 2022: sympathomimetic cardiovascular "
       "effects; the pressor class by pharmacology",
       {"pseudoephedrine", "phenylephrine", "ephedrine", "midodrine", "droxidopa"}},
      {"opioid or other sedative",
       "adds to sedation and the risk of respiratory depression",
       "monitor sedation and SpO2 closely; consider the dose timing with the prescriber",
       "Spravato (esketamine) US prescribing information, 2023, section 7 (CNS depressants)",
       {"morphine", "oxycodone", "hydrocodone", "hydromorphone", "fentanyl", "methadone",
        "buprenorphine", "tramadol", "tapentadol", "codeine", "zolpidem", "zopiclone",
        "eszopiclone", "zaleplon", "gabapentin", "pregabalin", "phenobarbital"}},
      {"strong CYP3A4 inhibitor",
       "raises ketamine concentrations (ketamine is cleared by "
       "CYP3A4 and CYP2B6)",
       "expect more dissociation and a larger blood-pressure rise; consider a lower dose",
       "Hagelberg NM et al. Eur J Clin Pharmacol 2005;61:579 (clarithromycin, oral S-ketamine)",
       {"clarithromycin", "erythromycin", "ketoconazole", "itraconazole", "voriconazole",
        "posaconazole", "ritonavir", "cobicistat"}},
  };
  return table;
}

std::vector<InteractionWarning> interaction_warnings(const std::vector<ActiveMedication>& active) {
  std::vector<InteractionWarning> out;
  for (const auto& m : active) {
    const auto words = words_of(m.name);
    for (const auto& c : interaction_table()) {
      const bool match = std::ranges::any_of(c.members, [&](std::string_view member) {
        return std::ranges::find(words, member) != words.end();
      });
      if (match) {
        out.push_back({m.name, c.name,
                       fmt::format("interaction with {}: {} ({}{}{}): {}; {} [{}]", c.name, m.name,
                                   m.dose.empty() ? "dose not recorded" : m.dose,
                                   m.frequency.empty() ? "" : ", ", m.frequency, c.effect, c.advice,
                                   c.source)});
      }
    }
  }
  return out;
}

std::vector<std::string> medication_warnings(const std::vector<MedicationEntry>& log, Date on) {
  std::vector<std::string> warnings;
  for (auto& w : interaction_warnings(active_medications(log, on))) {
    warnings.push_back(std::move(w.text));
  }
  const auto reconciled = last_reconciled(log, on);
  if (!reconciled) {
    warnings.push_back(
        "medications: the list has never been reconciled with the patient; go through it "
        "(medication reconcile) before dosing");
  } else if (*reconciled != on) {
    warnings.push_back(
        fmt::format("medications: the list was last reconciled on {}; reconcile it at this visit",
                    format_date(*reconciled)));
  }
  return warnings;
}

}  // namespace ketapath::clinic
