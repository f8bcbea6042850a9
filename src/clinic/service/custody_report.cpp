#include "clinic/service/custody_report.h"

#include <fmt/format.h>

#include "core/number_text.h"

namespace ketapath::clinic {
namespace {

LetterBlock heading(int level, std::string text) {
  LetterBlock b;
  b.kind = LetterBlock::Kind::Heading;
  b.level = level;
  b.text = std::move(text);
  return b;
}

LetterBlock paragraph(std::string text) {
  LetterBlock b;
  b.kind = LetterBlock::Kind::Paragraph;
  b.text = std::move(text);
  return b;
}

std::string who(const CustodyEntry& e) {
  switch (e.kind) {
    case CustodyKind::Administration:
      return fmt::format("{}; patient {}, session {}", e.by, e.patient ? e.patient->value() : 0,
                         e.session ? e.session->value() : 0);
    case CustodyKind::Waste:
      return fmt::format("{}; witness {}: {}", e.by, e.witness, e.reason);
    case CustodyKind::Count:
      return fmt::format("{}; counted {} mg, expected {} mg{}{}", e.by,
                         mg_text(e.counted.value_or(Micrograms{})),
                         mg_text(e.expected.value_or(Micrograms{})),
                         e.investigation.empty() ? "" : ": ", e.investigation);
    case CustodyKind::Receipt:
      return fmt::format("{}; {} vials x {} mL", e.by, e.vials.value_or(0),
                         core::display_number(e.ml_per_vial ? e.ml_per_vial->value() : 0.0));
  }
  return e.by;
}

}  // namespace

Letter custody_letter(const CustodyLog& log, std::string_view signed_by, Timestamp at) {
  Letter letter;
  letter.title =
      fmt::format("Controlled-substance log {} to {}", format_date(log.from), format_date(log.to));
  letter.blocks.push_back(heading(1, letter.title));
  letter.blocks.push_back(paragraph(fmt::format(
      "Ketamine received, administered, wasted and counted per lot, with the opening and closing "
      "balance (the sum of the lot's ledger; mg). Printed by {} at {}.",
      signed_by, format_timestamp(at))));
  if (log.lots.empty()) {
    letter.blocks.push_back(paragraph("No lot had stock or an entry in this period."));
  }
  for (const CustodyLotLog& l : log.lots) {
    letter.blocks.push_back(heading(
        2, fmt::format("Stock lot {}: {} lot {} ({} mg/mL, expires {}, from {})", l.lot.id.value(),
                       l.lot.product, l.lot.lot, core::display_number(l.lot.concentration.value()),
                       format_date(l.lot.expires_on), l.lot.supplier)));
    LetterBlock table;
    table.kind = LetterBlock::Kind::Table;
    table.header = {"date", "record", "change mg", "balance mg", "by and detail"};
    table.rows.push_back({format_date(log.from), "opening", "", mg_text(l.opening), ""});
    for (const CustodyLogLine& line : l.lines) {
      table.rows.push_back({format_timestamp(line.entry.at),
                            std::string(to_string(line.entry.kind)), mg_text(line.entry.change),
                            mg_text(line.balance_after), who(line.entry)});
    }
    table.rows.push_back(
        {format_date(log.to), "closing", mg_text(l.closing - l.opening), mg_text(l.closing), ""});
    letter.blocks.push_back(std::move(table));
    letter.blocks.push_back(paragraph(fmt::format(
        "Received {} mg, administered {} mg, wasted {} mg, count adjustments {} mg: opening {} + "
        "{} - {} - {} + ({}) = closing {} mg.",
        mg_text(l.received), mg_text(l.administered), mg_text(l.wasted), mg_text(l.adjusted),
        mg_text(l.opening), mg_text(l.received), mg_text(l.administered), mg_text(l.wasted),
        mg_text(l.adjusted), mg_text(l.closing))));
  }
  LetterBlock sign;
  sign.kind = LetterBlock::Kind::Signature;
  sign.text = fmt::format("Checked and signed: {}", signed_by);
  letter.blocks.push_back(std::move(sign));
  return letter;
}

}  // namespace ketapath::clinic
