#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace pinas::nas {

// The dashboard as one HTML document with its style and script inline (no
// external resource: nothing is fetched from elsewhere). Without `data` the
// page is live: it polls api/snapshot and api/trial/N relative to its own
// address. With `data` (DashboardData::report()) the data is inlined and the
// page is a self-contained static report. Thread-safe.
std::string dashboard_page(const nlohmann::json* data = nullptr);

// `data` as JSON text safe inside an HTML <script> element: every '<' is
// written as \u003c, so no "</script>" or "<!--" can end or alter it.
// Thread-safe.
std::string script_safe_json(const nlohmann::json& data);

}  // namespace pinas::nas
