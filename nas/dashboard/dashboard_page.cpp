#include "nas/dashboard/dashboard_page.h"

#include <string_view>

#include "nas/dashboard/dashboard_error.h"
#include "nas/dashboard/detail/page_assets.h"

namespace pinas::nas {
namespace {

// Replaces the one occurrence of `marker` in `page`; a page without it is a
// build mistake, reported rather than silently serving a broken page.
void fill(std::string& page, std::string_view marker, const std::string& text) {
  const auto at = page.find(marker);
  if (at == std::string::npos)
    throw DashboardError("nas/dashboard/page/dashboard.html lacks the marker " +
                         std::string(marker));
  page.replace(at, marker.size(), text);
}

}  // namespace

std::string script_safe_json(const nlohmann::json& data) {
  // '<' only occurs inside JSON strings, where \u003c means the same.
  const std::string text = data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string safe;
  safe.reserve(text.size());
  for (char c : text) {
    if (c == '<')
      safe += "\\u003c";
    else
      safe += c;
  }
  return safe;
}

std::string dashboard_page(const nlohmann::json* data) {
  std::string page = detail::kDashboardHtml;
  // The data goes in last, so no text inside it is ever taken for a marker
  // (the style and script are ours and hold none).
  fill(page, "/*PINAS_STYLE*/", detail::kDashboardCss);
  fill(page, "/*PINAS_SCRIPT*/", detail::kDashboardScript);
  fill(page, "/*PINAS_DATA*/", data ? script_safe_json(*data) : std::string("null"));
  return page;
}

}  // namespace pinas::nas
