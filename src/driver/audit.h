// Audit records (docs/ffi.md, "Audit records"): one JSON line per extern
// function of the program, describing the bridge hakoc builds for it on the
// target. The schema is docs/schemas/audit.schema.json.
#pragma once

#include <span>
#include <string>

#include "base/source_map.h"
#include "base/targets.h"
#include "driver/foreign.h"
#include "mir/mir.h"
#include "sema/checked.h"

namespace hako::driver {

// The records of `m`'s externs compiled for `target`, one line each.
// `decls[i]` and `resolved[i]` describe m.externs[i] (either may be empty:
// MIR input has no declarations; a cross build resolves nothing).
// `timestamp` is an RFC 3339 UTC time, the same for every line of one run.
std::string audit_records(const mir::Module& m, std::span<const sema::ExternDeclInfo> decls,
                          std::span<const ResolvedExtern> resolved, const base::SourceMap& sources,
                          const base::TargetInfo& target, const std::string& timestamp);

// The current time as RFC 3339 UTC ("2026-12-07T10:00:00Z").
std::string utc_timestamp();

}  // namespace hako::driver
